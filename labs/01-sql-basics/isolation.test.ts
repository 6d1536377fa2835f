// likes.ts: the lost update, and three fixes, each checked against a real second session that adds
// a like while yours is in flight. The second session holds its uncommitted +1 (and the row lock)
// until your function is waiting on that lock; then it commits. A function that read the count
// before that commit and writes "what I read + 1" erases the other like: the count ends at 1, not 2.
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { useDatabase } from '../../tools/testing/test-env.ts';
import { say } from '../../tools/testing/say.ts';
import { waitFor, withDeadline } from '../../tools/testing/wait.ts';
import { PostNotFoundError } from './errors.ts';
import { likeAtomically, likeSerializable, likeWithRowLock } from './likes.ts';
import { PgErrorCode } from './pg-errors.ts';
import { applySchema } from './schema.ts';
import { rejected } from '../../tools/testing/settled.ts';

const db = useDatabase({ template: 'empty' });
let postId: number;
/** A pool of its own for the tests that run many calls at once. */
let wide: pg.Pool;

beforeAll(async () => {
  await applySchema(db.pool);
  wide = new pg.Pool({ connectionString: db.url, max: 10 });
  // Idle clients are ended by the database being dropped after the file: nothing to report then.
  wide.on('error', () => {});
  wide.on('connect', (client) => client.on('error', () => {}));
});

afterAll(async () => {
  await wide?.end();
});

beforeEach(async () => {
  await db.pool.query('TRUNCATE posts, users');
  const { rows } = await db.pool.query<{ id: number }>(
    `WITH u AS (INSERT INTO users (email, name) VALUES ('ada@example.com', 'Ada') RETURNING id)
     INSERT INTO posts (author_id, title) SELECT id, 'Hello' FROM u RETURNING id`,
  );
  postId = rows[0]!.id;
});

async function likeCount(): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>('SELECT like_count AS n FROM posts WHERE id = $1', [postId]);
  return rows[0]!.n;
}

/**
 * Runs `like` while another session has added a like and not committed yet. Returns what `like`
 * returned and the statement it was blocked on (the other session's row lock makes it wait).
 */
async function likeDuringAnotherLike(like: () => Promise<number>): Promise<{ result: number; blockedOn: string }> {
  const other = await db.pool.connect();
  try {
    await other.query('BEGIN');
    await other.query('UPDATE posts SET like_count = like_count + 1 WHERE id = $1', [postId]);
    const yours = like();
    yours.catch(() => {}); // awaited below; don't let an early rejection go unhandled meanwhile
    let settled = false;
    yours.then(
      () => (settled = true),
      () => (settled = true),
    );
    // Wait until your session waits for the other's lock (or your function gave up on its own).
    const blockedOn = await waitFor(
      async () => {
        if (settled) return '(nothing: it returned without waiting for the row)';
        const { rows } = await db.pool.query<{ query: string }>(
          `SELECT query FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
        );
        return rows[0]?.query;
      },
      { message: say({ en: 'your function never touched the post while another session held it (it should read or write it)', ko: '다른 세션이 글을 잡고 있는 동안 여러분의 함수가 그 글을 건드리지 않았습니다(읽거나 써야 합니다)' }) },
    );
    await other.query('COMMIT');
    const result = await withDeadline(yours, 5000, say({ en: 'your function did not finish after the other session committed', ko: '다른 세션이 커밋한 뒤에도 여러분의 함수가 끝나지 않았습니다' }));
    return { result, blockedOn };
  } finally {
    await other.query('ROLLBACK').catch(() => {});
    other.release();
  }
}

describe('isolation', () => {
  test('likeWithRowLock waits on SELECT ... FOR UPDATE and keeps a like committed meanwhile', async () => {
    const { result, blockedOn } = await likeDuringAnotherLike(() => likeWithRowLock(db.pool, postId));

    expect(await likeCount(), say({ en: '🚨 a like was lost: read the count with SELECT ... FOR UPDATE, inside the transaction', ko: '🚨 좋아요 하나가 사라졌습니다: 트랜잭션 안에서 SELECT ... FOR UPDATE로 개수를 읽으세요' })).toBe(2);
    expect(result, say({ en: 'likeWithRowLock should return the new count', ko: 'likeWithRowLock은 새 개수를 돌려줘야 합니다' })).toBe(2);
    expect(blockedOn, say({ en: '🚨 the wait should happen at the read: lock the row when you read it (FOR UPDATE)', ko: '🚨 기다림은 읽기에서 일어나야 합니다: 읽을 때 행을 잠그세요(FOR UPDATE)' })).toMatch(/for\s+update/i);
  });

  test('likeWithRowLock: 20 likes at once on 10 connections count 20', async () => {
    await Promise.all(Array.from({ length: 20 }, () => likeWithRowLock(wide, postId)));

    expect(await likeCount(), say({ en: '🚨 concurrent likes were lost', ko: '🚨 동시에 누른 좋아요가 사라졌습니다' })).toBe(20);
  });

  test('likeAtomically computes the count in the UPDATE and keeps a like committed meanwhile', async () => {
    const { result, blockedOn } = await likeDuringAnotherLike(() => likeAtomically(db.pool, postId));

    expect(await likeCount(), say({ en: '🚨 a like was lost: let the UPDATE add 1 to the stored value (SET like_count = like_count + 1)', ko: '🚨 좋아요 하나가 사라졌습니다: UPDATE가 저장된 값에 1을 더하게 하세요(SET like_count = like_count + 1)' })).toBe(2);
    expect(result, say({ en: 'likeAtomically should return the new count (RETURNING)', ko: 'likeAtomically는 새 개수를 돌려줘야 합니다(RETURNING)' })).toBe(2);
    expect(blockedOn, say({ en: '🚨 one statement does it all: no SELECT before the UPDATE', ko: '🚨 문장 하나가 전부 합니다: UPDATE 앞에 SELECT가 없어야 합니다' })).toMatch(/^\s*update/i);
  });

  test('likeAtomically: 20 likes at once on 10 connections count 20', async () => {
    const counts = await Promise.all(Array.from({ length: 20 }, () => likeAtomically(wide, postId)));

    expect(await likeCount(), say({ en: '🚨 concurrent likes were lost', ko: '🚨 동시에 누른 좋아요가 사라졌습니다' })).toBe(20);
    expect(counts.toSorted((a, b) => a - b), say({ en: 'each call should return the count its own UPDATE produced', ko: '호출마다 자기 UPDATE가 만든 개수를 돌려줘야 합니다' })).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
  });

  test('likeSerializable retries after a serialization failure (40001) and keeps a like committed meanwhile', async () => {
    const { result } = await likeDuringAnotherLike(() => likeSerializable(db.pool, postId));

    expect(
      await likeCount(),
      say({ en: '🚨 a like was lost: set the isolation level to SERIALIZABLE before the first query of the transaction', ko: '🚨 좋아요 하나가 사라졌습니다: 트랜잭션의 첫 쿼리보다 먼저 격리 수준을 SERIALIZABLE로 정하세요' }),
    ).toBe(2);
    expect(result, say({ en: 'likeSerializable should return the new count', ko: 'likeSerializable은 새 개수를 돌려줘야 합니다' })).toBe(2);
  });

  test('likeSerializable gives up after maxAttempts with the serialization failure', async () => {
    const attempt = likeDuringAnotherLike(() => likeSerializable(db.pool, postId, { maxAttempts: 1 }));

    (await rejected(attempt, say({ en: '🚨 with maxAttempts: 1 the 40001 error should come out, not be swallowed', ko: '🚨 maxAttempts: 1이면 40001 오류가 삼켜지지 않고 밖으로 나와야 합니다' }))).toMatchObject({
      code: PgErrorCode.SERIALIZATION_FAILURE,
    });
    expect(await likeCount(), say({ en: "only the other session's like is stored", ko: '다른 세션의 좋아요만 저장되어 있어야 합니다' })).toBe(1);
  });

  test('every like function throws PostNotFoundError for a post that does not exist', async () => {
    (await rejected(likeWithRowLock(db.pool, postId + 1000))).toBeInstanceOf(PostNotFoundError);
    (await rejected(likeAtomically(db.pool, postId + 1000))).toBeInstanceOf(PostNotFoundError);
    (await rejected(likeSerializable(db.pool, postId + 1000))).toBeInstanceOf(PostNotFoundError);
  });
});
