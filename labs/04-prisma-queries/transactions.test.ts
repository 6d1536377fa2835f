// Lab 04: an interactive transaction (transactions.ts): the user and the first post, both or neither.
import { beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { useDatabase } from '../../tools/testing/test-env.ts';
import { createUserWithFirstPost, EmailTakenError } from './index.ts';
import { say } from '../../tools/testing/say.ts';
import { rejected } from '../../tools/testing/settled.ts';

const db = useDatabase();

const ana = { email: 'ana@example.com', name: 'Ana', passwordHash: 'hash' };

async function counts() {
  const { rows } = await db.pool.query('SELECT (SELECT count(*) FROM users)::int AS users, (SELECT count(*) FROM posts)::int AS posts');
  return rows[0] as { users: number; posts: number };
}

beforeAll(async () => {
  // Makes the second step fail on demand: the database rejects any post titled "boom".
  await db.pool.query(`
    CREATE FUNCTION reject_boom() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.title = 'boom' THEN RAISE EXCEPTION 'post rejected by the test trigger'; END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER reject_boom BEFORE INSERT ON posts FOR EACH ROW EXECUTE FUNCTION reject_boom();`);
});

beforeEach(async () => {
  await db.pool.query('DELETE FROM users'); // posts and sessions go with them (ON DELETE CASCADE)
});

describe('createUserWithFirstPost', () => {
  test('creates the user and their first, published post', async () => {
    const { user, post } = await createUserWithFirstPost(db.prisma, ana, { title: 'Hello', content: 'First!' });

    expect(Object.keys(user), say({ en: 'the user without its password hash', ko: '비밀번호 해시를 뺀 사용자여야 합니다' })).not.toContain('passwordHash');
    expect(post).toMatchObject({ title: 'Hello', content: 'First!', published: true, authorId: user.id });
    expect(await counts(), say({ en: 'one user and one post in the database', ko: '데이터베이스에 사용자 하나와 글 하나가 있어야 합니다' })).toEqual({ users: 1, posts: 1 });
  });

  test('rolls back completely when the post insert fails: no user is left behind', async () => {
    const attempt = createUserWithFirstPost(db.prisma, ana, { title: 'boom' });

    (await rejected(attempt, say({ en: 'the error from the second step should reach the caller', ko: '두 번째 단계의 오류가 호출자에게 전달되어야 합니다' }))).toHaveProperty('message', expect.stringMatching(/post rejected by the test trigger/));
    expect(await counts(), say({ en: 'both inserts belong in one prisma.$transaction(async (tx) => ...): the user must be rolled back', ko: '두 insert는 prisma.$transaction(async (tx) => ...) 하나 안에 있어야 합니다: 사용자가 롤백되어야 합니다' })).toEqual({
      users: 0,
      posts: 0,
    });
  });

  test('a taken email throws EmailTakenError and creates no post', async () => {
    await createUserWithFirstPost(db.prisma, ana, { title: 'Hello' });

    (await rejected(createUserWithFirstPost(db.prisma, ana, { title: 'Again' }))).toBeInstanceOf(EmailTakenError);
    expect(await counts(), say({ en: 'one user and one post in the database', ko: '데이터베이스에 사용자 하나와 글 하나가 있어야 합니다' })).toEqual({ users: 1, posts: 1 });
  });
});
