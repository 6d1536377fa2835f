// withTransaction (transaction.ts) and signUpWithFirstPost (sign-up.ts): all or nothing.
import pg from 'pg';
import { beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { useDatabase } from '../../tools/testing/test-env.ts';
import { withDeadline } from '../../tools/testing/wait.ts';
import { DuplicateEmailError } from './errors.ts';
import { applySchema } from './schema.ts';
import { signUpWithFirstPost } from './sign-up.ts';
import { withTransaction } from './transaction.ts';
import { say } from '../../tools/testing/say.ts';
import { rejected } from '../../tools/testing/settled.ts';

const db = useDatabase({ template: 'empty' });

beforeAll(async () => {
  await applySchema(db.pool);
});

beforeEach(async () => {
  // TRUNCATE both tables by name: the clean-up must not depend on the ON DELETE CASCADE you write in
  // step 1 (without it, a DELETE FROM users here would fail every test of every step).
  await db.pool.query('TRUNCATE posts, users');
});

async function tableRows() {
  const users = await db.pool.query('SELECT email FROM users ORDER BY id');
  const posts = await db.pool.query('SELECT author_id, title FROM posts ORDER BY id');
  return { users: users.rows, posts: posts.rows };
}

/**
 * A pool with a single connection, whose pool.query() refuses to run: a transaction must go
 * through one client from pool.connect(). With one connection, a client that is never released
 * makes the next call wait forever, and one released mid-transaction leaks into the next call.
 */
function singleConnectionPool(): pg.Pool {
  const pool = new pg.Pool({ connectionString: db.url, max: 1 });
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {})); // a leaked client is killed when the database is dropped
  pool.query = (() => {
    throw new Error(
      'withTransaction called pool.query(): each pool.query() may run on a different connection. Use the client from pool.connect()',
    );
  }) as unknown as pg.Pool['query'];
  return pool;
}

describe('transaction', () => {
  test('signUpWithFirstPost creates the user and their first post', async () => {
    const { user, post } = await signUpWithFirstPost(db.pool, {
      email: 'ada@example.com',
      name: 'Ada',
      firstPost: { title: 'Hello', body: 'First!' },
    });

    expect(post.authorId, say({ en: "🚨 the post's authorId should be the new user's id, taken from INSERT ... RETURNING", ko: "🚨 글의 authorId는 INSERT ... RETURNING으로 받은 새 사용자의 id여야 합니다" })).toBe(user.id);
    expect(await tableRows(), say({ en: '🚨 both rows should be committed', ko: '🚨 두 행 모두 커밋되어야 합니다' })).toEqual({
      users: [{ email: 'ada@example.com' }],
      posts: [{ author_id: user.id, title: 'Hello' }],
    });
  });

  test('a post that breaks a rule rolls back the user too', async () => {
    const badPost = { email: 'ada@example.com', name: 'Ada', firstPost: { title: '' } }; // violates CHECK (title <> '')

    const attempt = signUpWithFirstPost(db.pool, badPost);

    (await rejected(attempt, say({ en: "🚨 the post's check violation (23514) should reach the caller", ko: "🚨 글의 check 제약 위반(23514)은 호출자에게 그대로 전달되어야 합니다" }))).toMatchObject({
      code: '23514',
    });
    expect(
      await tableRows(),
      say({ en: '🚨 the user was inserted before the post failed: BEGIN first, ROLLBACK on error, so nothing is left behind', ko: '🚨 글이 실패하기 전에 사용자가 들어갔습니다: 먼저 BEGIN하고, 오류가 나면 ROLLBACK해서 아무것도 남기지 마세요' }),
    ).toEqual({ users: [], posts: [] });
  });

  test('a taken email fails with DuplicateEmailError and adds no post', async () => {
    await db.pool.query("INSERT INTO users (email, name) VALUES ('ada@example.com', 'Ada')");

    const attempt = signUpWithFirstPost(db.pool, { email: 'ada@example.com', name: 'Ada 2', firstPost: { title: 'Hi' } });

    (await rejected(attempt, say({ en: '🚨 expected DuplicateEmailError from createUser', ko: '🚨 createUser에서 DuplicateEmailError가 나와야 합니다' }))).toBeInstanceOf(DuplicateEmailError);
    expect(await tableRows(), say({ en: '🚨 nothing should change when the sign-up fails', ko: '🚨 가입이 실패하면 아무것도 바뀌지 않아야 합니다' })).toEqual({
      users: [{ email: 'ada@example.com' }],
      posts: [],
    });
  });

  test('withTransaction commits and returns what the work returned', async () => {
    const result = await withTransaction(db.pool, async (client) => {
      const { rows } = await client.query<{ id: number }>(
        "INSERT INTO users (email, name) VALUES ('ada@example.com', 'Ada') RETURNING id",
      );
      return rows[0]!.id;
    });

    const { rows } = await db.pool.query<{ id: number }>('SELECT id FROM users');
    expect(rows, say({ en: '🚨 withTransaction should COMMIT and resolve with the return value of `work`', ko: '🚨 withTransaction은 COMMIT하고 `work`의 반환값으로 이행되어야 합니다' })).toEqual([{ id: result }]);
  });

  test('withTransaction releases its client and leaves no transaction open, even after errors', async () => {
    const pool = singleConnectionPool();
    try {
      for (let i = 1; i <= 3; i++) {
        const failing = withTransaction(pool, async (client) => {
          await client.query('INSERT INTO users (email, name) VALUES ($1, $2)', [`failed${i}@example.com`, 'Failed']);
          throw new Error(`work ${i} failed`);
        });
        const outcome = await withDeadline(
          failing.then(() => 'resolved', (error: Error) => error.message),
          3000,
          say({ en: 'withTransaction never finished: is the client released in a finally block?', ko: 'withTransaction이 끝나지 않았습니다: 클라이언트를 finally 블록에서 돌려주나요?' }),
        ).catch((error: Error) => error.message);
        expect(outcome, say({ en: '🚨 withTransaction should reject with the error `work` threw', ko: '🚨 withTransaction은 `work`가 던진 오류로 거부되어야 합니다' })).toBe(`work ${i} failed`);
      }

      await withDeadline(
        withTransaction(pool, (client) => client.query("INSERT INTO users (email, name) VALUES ('ok@example.com', 'Ok')")),
        3000,
        say({ en: 'withTransaction waited forever for a connection: release the client (client.release()) in a finally block', ko: 'withTransaction이 연결을 끝없이 기다렸습니다: finally 블록에서 클라이언트를 돌려주세요(client.release())' }),
      );

      expect(
        await tableRows(),
        say({ en: '🚨 only the successful insert should be stored: after an error, ROLLBACK before the client goes back to the pool', ko: '🚨 성공한 insert만 저장되어야 합니다: 오류가 나면 클라이언트를 풀에 돌려주기 전에 ROLLBACK하세요' }),
      ).toEqual({ users: [{ email: 'ok@example.com' }], posts: [] });
      expect(
        { total: pool.totalCount, idle: pool.idleCount },
        say({ en: '🚨 the one connection should be back in the pool, idle', ko: '🚨 하나뿐인 연결이 유휴 상태로 풀에 돌아와 있어야 합니다' }),
      ).toEqual({ total: 1, idle: 1 });
    } finally {
      // A client that was never released would make end() wait forever; the database is dropped after the file anyway.
      await withDeadline(pool.end(), 2000, say({ en: 'pool.end() waits for a client that was never released', ko: 'pool.end()가 돌려받지 못한 클라이언트를 기다립니다' })).catch(() => {});
    }
  });
});
