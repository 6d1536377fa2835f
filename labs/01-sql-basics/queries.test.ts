// CRUD on users and posts, a JOIN and a GROUP BY ... HAVING, through the functions in users.ts and posts.ts.
import { beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { useDatabase } from '../../tools/testing/test-env.ts';
import { DuplicateEmailError, UserNotFoundError } from './errors.ts';
import { authorsWithAtLeast, createPost, listPostsWithAuthors } from './posts.ts';
import { applySchema } from './schema.ts';
import { createUser, deleteUser, findUserByEmail, renameUser } from './users.ts';
import { say } from '../../tools/testing/say.ts';

const db = useDatabase({ template: 'empty' });

beforeAll(async () => {
  await applySchema(db.pool);
});

beforeEach(async () => {
  // TRUNCATE both tables by name: the clean-up must not depend on the ON DELETE CASCADE you write in
  // step 1 (without it, a DELETE FROM users here would fail every test of every step).
  await db.pool.query('TRUNCATE posts, users');
});

/** Inserts a user straight through SQL, so a test of one function does not depend on another. */
async function insertUser(email: string, name: string): Promise<number> {
  const { rows } = await db.pool.query<{ id: number }>('INSERT INTO users (email, name) VALUES ($1, $2) RETURNING id', [
    email,
    name,
  ]);
  return rows[0]!.id;
}

async function insertPost(authorId: number, title: string, createdAt = '2025-01-01T12:00:00Z'): Promise<number> {
  const { rows } = await db.pool.query<{ id: number }>(
    'INSERT INTO posts (author_id, title, created_at) VALUES ($1, $2, $3) RETURNING id',
    [authorId, title, createdAt],
  );
  return rows[0]!.id;
}

describe('CRUD on users', () => {
  test('createUser inserts the user and returns the stored row (INSERT ... RETURNING)', async () => {
    const user = await createUser(db.pool, { email: 'ada@example.com', name: 'Ada' });

    expect(user, say({ en: '🚨 createUser should return { id, email, name, createdAt } (alias created_at AS "createdAt")', ko: '🚨 createUser는 { id, email, name, createdAt }를 돌려줘야 합니다 (created_at AS "createdAt"처럼 별칭을 붙이세요)' })).toEqual({
      id: expect.any(Number),
      email: 'ada@example.com',
      name: 'Ada',
      createdAt: expect.any(Date),
    });
    const { rows } = await db.pool.query('SELECT id, email, name FROM users');
    expect(rows, say({ en: '🚨 the returned id should be the id of the row in users', ko: '🚨 돌려준 id는 users 테이블에 저장된 행의 id여야 합니다' })).toEqual([
      { id: user.id, email: 'ada@example.com', name: 'Ada' },
    ]);
  });

  test('createUser passes values as parameters, so quotes in input are just text', async () => {
    const tricky = { email: "o'brien@example.com", name: "Robert'); DROP TABLE users; --" };

    const user = await createUser(db.pool, tricky);

    expect(user, say({ en: '🚨 build no SQL from input: use $1, $2 placeholders and pass the values array', ko: '🚨 입력값으로 SQL 문자열을 만들지 마세요: $1, $2 자리표시자를 쓰고 값은 배열로 넘기세요' })).toMatchObject(tricky);
  });

  test('createUser turns a taken email into DuplicateEmailError', async () => {
    await insertUser('ada@example.com', 'Ada');

    const error = await createUser(db.pool, { email: 'ada@example.com', name: 'Ada again' }).catch((e: unknown) => e);

    expect(error, say({ en: '🚨 a unique violation (23505) should become DuplicateEmailError from errors.ts', ko: '🚨 unique 위반(23505)은 errors.ts의 DuplicateEmailError가 되어야 합니다' })).toBeInstanceOf(
      DuplicateEmailError,
    );
    expect(error, say({ en: '🚨 DuplicateEmailError should keep the email, and the pg error as `cause`', ko: '🚨 DuplicateEmailError는 이메일과, `cause`로 pg 오류를 가지고 있어야 합니다' })).toMatchObject({
      code: 'DUPLICATE_EMAIL',
      email: 'ada@example.com',
      cause: { code: '23505' },
    });
  });

  test('createUser lets other failures through unchanged', async () => {
    const nameless = { email: 'ada@example.com', name: null as unknown as string };

    const error = await createUser(db.pool, nameless).catch((e: unknown) => e);

    expect(error, say({ en: '🚨 a missing name is not a duplicate email: only map code 23505, rethrow everything else', ko: '🚨 이름이 빠진 것은 이메일 중복이 아닙니다: 23505 코드만 바꾸고 나머지는 그대로 다시 던지세요' })).not.toBeInstanceOf(
      DuplicateEmailError,
    );
    expect(error, say({ en: '🚨 the not-null violation (23502) from PostgreSQL should reach the caller as it is', ko: '🚨 PostgreSQL의 not-null 위반(23502)은 그대로 호출자에게 전달되어야 합니다' })).toMatchObject({
      code: '23502',
    });
  });

  test('findUserByEmail returns the user, or null when there is none', async () => {
    const id = await insertUser('ada@example.com', 'Ada');

    const found = await findUserByEmail(db.pool, 'ada@example.com');
    const missing = await findUserByEmail(db.pool, 'nobody@example.com');

    expect(found, say({ en: '🚨 findUserByEmail should return the matching user', ko: '🚨 findUserByEmail은 이메일이 일치하는 사용자를 돌려줘야 합니다' })).toEqual({
      id,
      email: 'ada@example.com',
      name: 'Ada',
      createdAt: expect.any(Date),
    });
    expect(missing, say({ en: '🚨 findUserByEmail should return null (not undefined, not a throw) when no row matches', ko: '🚨 일치하는 행이 없으면 findUserByEmail은 null을 돌려줘야 합니다 (undefined도, 예외도 아닙니다)' })).toBeNull();
  });

  test('renameUser updates the name and returns the updated row', async () => {
    const id = await insertUser('ada@example.com', 'Ada');

    const renamed = await renameUser(db.pool, id, 'Ada Lovelace');

    expect(renamed, say({ en: '🚨 renameUser should return the row as it is after the UPDATE (UPDATE ... RETURNING)', ko: '🚨 renameUser는 UPDATE 이후의 행을 돌려줘야 합니다 (UPDATE ... RETURNING)' })).toMatchObject({
      id,
      name: 'Ada Lovelace',
    });
    const { rows } = await db.pool.query('SELECT name FROM users WHERE id = $1', [id]);
    expect(rows, say({ en: '🚨 the new name should be stored', ko: '🚨 새 이름이 저장되어야 합니다' })).toEqual([{ name: 'Ada Lovelace' }]);
  });

  test('renameUser throws UserNotFoundError for an unknown id', async () => {
    const error = await renameUser(db.pool, 4242, 'Ghost').catch((e: unknown) => e);

    expect(error, say({ en: '🚨 an UPDATE that matched no row should throw UserNotFoundError', ko: '🚨 어떤 행과도 맞지 않은 UPDATE는 UserNotFoundError를 던져야 합니다' })).toBeInstanceOf(UserNotFoundError);
    expect(error).toMatchObject({ code: 'USER_NOT_FOUND', userId: 4242 });
  });

  test('deleteUser reports whether it deleted someone', async () => {
    const id = await insertUser('ada@example.com', 'Ada');

    const first = await deleteUser(db.pool, id);
    const second = await deleteUser(db.pool, id);

    expect([first, second], say({ en: '🚨 deleteUser should return true when a row was deleted (rowCount 1), then false', ko: '🚨 deleteUser는 행을 지웠을 때(rowCount 1) true를, 그다음에는 false를 돌려줘야 합니다' })).toEqual([
      true,
      false,
    ]);
  });
});

describe('posts, JOIN and GROUP BY', () => {
  test('createPost inserts a post for its author, body defaulting to empty', async () => {
    const ada = await insertUser('ada@example.com', 'Ada');

    const post = await createPost(db.pool, { authorId: ada, title: 'Notes' });

    expect(post, say({ en: '🚨 createPost should return { id, authorId, title, body, createdAt }', ko: '🚨 createPost는 { id, authorId, title, body, createdAt }를 돌려줘야 합니다' })).toEqual({
      id: expect.any(Number),
      authorId: ada,
      title: 'Notes',
      body: '',
      createdAt: expect.any(Date),
    });
  });

  test('createPost throws UserNotFoundError when the author does not exist', async () => {
    const error = await createPost(db.pool, { authorId: 777, title: 'Orphan' }).catch((e: unknown) => e);

    expect(error, say({ en: '🚨 a foreign key violation (23503) should become UserNotFoundError', ko: '🚨 외래 키 위반(23503)은 UserNotFoundError가 되어야 합니다' })).toBeInstanceOf(UserNotFoundError);
    expect(error).toMatchObject({ code: 'USER_NOT_FOUND', userId: 777, cause: { code: '23503' } });
  });

  test('listPostsWithAuthors joins each post to its author, newest first', async () => {
    const ada = await insertUser('ada@example.com', 'Ada');
    const grace = await insertUser('grace@example.com', 'Grace');
    const old = await insertPost(ada, 'Old', '2025-01-01T09:00:00Z');
    const tieLow = await insertPost(grace, 'Tie A', '2025-01-02T09:00:00Z');
    const tieHigh = await insertPost(ada, 'Tie B', '2025-01-02T09:00:00Z');
    const newest = await insertPost(grace, 'Newest', '2025-01-03T09:00:00Z');

    const posts = await listPostsWithAuthors(db.pool);

    expect(
      posts.map((p) => [p.id, p.title, p.authorName]),
      say({ en: '🚨 expected every post with its author name, ORDER BY created_at DESC, then id DESC for equal times', ko: '🚨 작성자 이름이 붙은 모든 글이 ORDER BY created_at DESC, 시각이 같으면 id DESC 순서로 나와야 합니다' }),
    ).toEqual([
      [newest, 'Newest', 'Grace'],
      [tieHigh, 'Tie B', 'Ada'],
      [tieLow, 'Tie A', 'Grace'],
      [old, 'Old', 'Ada'],
    ]);
    expect(posts[0]!.createdAt, say({ en: '🚨 createdAt should be the post\'s created_at as a Date', ko: '🚨 createdAt은 글의 created_at을 Date로 담아야 합니다' })).toEqual(new Date('2025-01-03T09:00:00Z'));
  });

  test('listPostsWithAuthors stops at the limit', async () => {
    const ada = await insertUser('ada@example.com', 'Ada');
    for (let day = 1; day <= 5; day++) await insertPost(ada, `Day ${day}`, `2025-01-0${day}T09:00:00Z`);

    const posts = await listPostsWithAuthors(db.pool, { limit: 2 });

    expect(posts.map((p) => p.title), say({ en: '🚨 { limit: 2 } should return the 2 newest posts (LIMIT $1)', ko: '🚨 { limit: 2 }이면 가장 최근 글 2개를 돌려줘야 합니다 (LIMIT $1)' })).toEqual(['Day 5', 'Day 4']);
  });

  test('authorsWithAtLeast counts posts per author, as numbers', async () => {
    const ada = await insertUser('ada@example.com', 'Ada');
    const grace = await insertUser('grace@example.com', 'Grace');
    const barbara = await insertUser('barbara@example.com', 'Barbara');
    const edsger = await insertUser('edsger@example.com', 'Edsger');
    for (const title of ['a', 'b']) await insertPost(ada, title);
    for (const title of ['a', 'b', 'c']) await insertPost(grace, title);
    for (const title of ['a', 'b']) await insertPost(barbara, title);
    await insertPost(edsger, 'a');

    const stats = await authorsWithAtLeast(db.pool, 2);

    expect(
      typeof stats[0]?.postCount,
      say({ en: '🚨 postCount should be a number: COUNT(*) is a bigint and node-postgres returns bigints as strings ("3"). Cast it: COUNT(*)::int', ko: '🚨 postCount는 숫자여야 합니다: COUNT(*)는 bigint이고 node-postgres는 bigint를 문자열("3")로 돌려줍니다. COUNT(*)::int로 캐스트하세요' }),
    ).toBe('number');
    expect(stats, say({ en: '🚨 expected authors with >= 2 posts, most posts first, then by name (GROUP BY ... HAVING COUNT(*) >= $1)', ko: '🚨 글이 2개 이상인 작성자를, 글이 많은 순으로, 같으면 이름순으로 기대했습니다 (GROUP BY ... HAVING COUNT(*) >= $1)' })).toEqual([
      { authorId: grace, name: 'Grace', postCount: 3 },
      { authorId: ada, name: 'Ada', postCount: 2 },
      { authorId: barbara, name: 'Barbara', postCount: 2 },
    ]);
  });

  test('authorsWithAtLeast(1) leaves out users who never posted', async () => {
    const ada = await insertUser('ada@example.com', 'Ada');
    await insertUser('quiet@example.com', 'Quiet');
    await insertPost(ada, 'Only one');

    const stats = await authorsWithAtLeast(db.pool, 1);

    expect(stats, say({ en: '🚨 a user with no posts has no rows to count: an inner JOIN leaves them out', ko: '🚨 글이 없는 사용자에게는 셀 행이 없습니다: 내부 JOIN이면 빠집니다' })).toEqual([
      { authorId: ada, name: 'Ada', postCount: 1 },
    ]);
  });
});
