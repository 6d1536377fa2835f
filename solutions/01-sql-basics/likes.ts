// Likes on a post, counted by two sessions at once. Reading the count, adding one in TypeScript and
// writing it back loses an update when another transaction does the same in between (both read 4,
// both write 5). Three ways to keep every like, each for its own situation:
//   - lock the row while you decide (SELECT ... FOR UPDATE),
//   - let the database do the arithmetic in one statement (UPDATE ... SET x = x + 1),
//   - run at SERIALIZABLE and retry when PostgreSQL refuses to commit (SQLSTATE 40001).
import type pg from 'pg';
import type { Queryable } from './db.ts';
import { PostNotFoundError } from './errors.ts';
import { isPgError, PgErrorCode } from './pg-errors.ts';
import { withTransaction } from './transaction.ts';

// #region row-lock
/**
 * Adds one like, reading the count with `SELECT ... FOR UPDATE` and writing it back in the same
 * transaction. Returns the new count. Throws PostNotFoundError when there is no such post.
 */
export async function likeWithRowLock(pool: pg.Pool, postId: number): Promise<number> {
  return withTransaction(pool, async (client) => {
    // FOR UPDATE locks the row until COMMIT: a second session's FOR UPDATE (or UPDATE) on it waits
    // here, and then reads the count this transaction wrote, not the one from before.
    const { rows } = await client.query<{ likeCount: number }>(
      'SELECT like_count AS "likeCount" FROM posts WHERE id = $1 FOR UPDATE',
      [postId],
    );
    const row = rows[0];
    if (!row) throw new PostNotFoundError(postId);
    const next = row.likeCount + 1; // the application's decision, made while the row is locked
    await client.query('UPDATE posts SET like_count = $2 WHERE id = $1', [postId, next]);
    return next;
  });
}
// #endregion row-lock

// #region atomic
/**
 * Adds one like in a single statement: the database reads and writes the row under its own lock,
 * so there is no gap for another transaction. Returns the new count; PostNotFoundError if none.
 */
export async function likeAtomically(db: Queryable, postId: number): Promise<number> {
  const { rows } = await db.query<{ likeCount: number }>(
    'UPDATE posts SET like_count = like_count + 1 WHERE id = $1 RETURNING like_count AS "likeCount"',
    [postId],
  );
  const row = rows[0];
  if (!row) throw new PostNotFoundError(postId);
  return row.likeCount;
}
// #endregion atomic

export interface SerializableOptions {
  /** How many times to run the transaction before giving up with the last 40001 error. @default 5 */
  maxAttempts?: number;
}

// #region serializable
/**
 * Adds one like with a plain read and write, at the SERIALIZABLE isolation level: when another
 * transaction changed the row since this one's snapshot, PostgreSQL aborts this one with SQLSTATE
 * 40001 and the whole transaction runs again on fresh data. Returns the new count. Throws
 * PostNotFoundError at once (no retry), and the last 40001 error after `maxAttempts` attempts.
 */
export async function likeSerializable(pool: pg.Pool, postId: number, options: SerializableOptions = {}): Promise<number> {
  const maxAttempts = options.maxAttempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    try {
      return await withTransaction(pool, async (client) => {
        // Must come before the first query of the transaction.
        await client.query('SET TRANSACTION ISOLATION LEVEL SERIALIZABLE');
        const { rows } = await client.query<{ likeCount: number }>(
          'SELECT like_count AS "likeCount" FROM posts WHERE id = $1',
          [postId],
        );
        const row = rows[0];
        if (!row) throw new PostNotFoundError(postId);
        await client.query('UPDATE posts SET like_count = $2 WHERE id = $1', [postId, row.likeCount + 1]);
        return row.likeCount + 1;
      });
    } catch (error) {
      // Only a serialization failure is worth another try; the transaction was rolled back, so
      // running it again from the start is safe. Anything else is a real error.
      if (!isPgError(error, PgErrorCode.SERIALIZATION_FAILURE) || attempt >= maxAttempts) throw error;
    }
  }
}
// #endregion serializable
