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

/**
 * Adds one like, reading the count with `SELECT ... FOR UPDATE` and writing it back in the same
 * transaction. Returns the new count. Throws PostNotFoundError when there is no such post.
 */
export async function likeWithRowLock(pool: pg.Pool, postId: number): Promise<number> {
  // TODO: read the count and write count + 1 inside one transaction (withTransaction from step 5).
  //       The read must lock the row, so a second session that wants it waits until you commit
  //       and then sees your count. Trap: a read without the lock returns the old count while
  //       another transaction's +1 is still uncommitted, and your write then erases that like.
  // TODO: no row means no post: PostNotFoundError.
  throw new Error('not implemented yet: likeWithRowLock (labs/01-sql-basics/likes.ts)');
}

/**
 * Adds one like in a single statement: the database reads and writes the row under its own lock,
 * so there is no gap for another transaction. Returns the new count; PostNotFoundError if none.
 */
export async function likeAtomically(db: Queryable, postId: number): Promise<number> {
  // TODO: one statement that computes the new count from the stored one (not from a number you
  //       read earlier) and hands the result back in the same round trip.
  // TODO: zero rows affected means no post: PostNotFoundError.
  throw new Error('not implemented yet: likeAtomically (labs/01-sql-basics/likes.ts)');
}

export interface SerializableOptions {
  /** How many times to run the transaction before giving up with the last 40001 error. @default 5 */
  maxAttempts?: number;
}

/**
 * Adds one like with a plain read and write, at the SERIALIZABLE isolation level: when another
 * transaction changed the row since this one's snapshot, PostgreSQL aborts this one with SQLSTATE
 * 40001 and the whole transaction runs again on fresh data. Returns the new count. Throws
 * PostNotFoundError at once (no retry), and the last 40001 error after `maxAttempts` attempts.
 */
export async function likeSerializable(pool: pg.Pool, postId: number, options: SerializableOptions = {}): Promise<number> {
  // TODO: a plain read then write (no FOR UPDATE), in a transaction whose isolation level is set
  //       to SERIALIZABLE before its first query: withTransaction sends a plain BEGIN.
  // TODO: when the transaction fails with a serialization failure (PgErrorCode.SERIALIZATION_FAILURE),
  //       run the whole transaction again, up to options.maxAttempts (default 5) attempts in all;
  //       then let the last error out. Any other error (PostNotFoundError included) goes out at once.
  //       Trap: retrying only the failed statement is not enough: the aborted transaction is gone.
  throw new Error('not implemented yet: likeSerializable (labs/01-sql-basics/likes.ts)');
}
