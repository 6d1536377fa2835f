// CRUD on users and posts, a JOIN and a GROUP BY ... HAVING, through the functions in users.ts and posts.ts.
import { beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { useDatabase } from '../../tools/testing/test-env.ts';
import { DuplicateEmailError, UserNotFoundError } from './errors.ts';
import { authorsWithAtLeast, createPost, listPostsWithAuthors } from './posts.ts';
import { applySchema } from './schema.ts';
import { createUser, deleteUser, findUserByEmail, renameUser } from './users.ts';

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

    expect(user, '🚨 createUser should return { id, email, name, createdAt } (alias created_at AS "createdAt")').toEqual({
      id: expect.any(Number),
      email: 'ada@example.com',
      name: 'Ada',
      createdAt: expect.any(Date),
    });
    const { rows } = await db.pool.query('SELECT id, email, name FROM users');
    expect(rows, '🚨 the returned id should be the id of the row in users').toEqual([
      { id: user.id, email: 'ada@example.com', name: 'Ada' },
    ]);
  });

  test('createUser passes values as parameters, so quotes in input are just text', async () => {
    const tricky = { email: "o'brien@example.com", name: "Robert'); DROP TABLE users; --" };

    const user = await createUser(db.pool, tricky);

    expect(user, '🚨 build no SQL from input: use $1, $2 placeholders and pass the values array').toMatchObject(tricky);
  });

  test('createUser turns a taken email into DuplicateEmailError', async () => {
    await insertUser('ada@example.com', 'Ada');

    const error = await createUser(db.pool, { email: 'ada@example.com', name: 'Ada again' }).catch((e: unknown) => e);

    expect(error, '🚨 a unique violation (23505) should become DuplicateEmailError from errors.ts').toBeInstanceOf(
      DuplicateEmailError,
    );
    expect(error, '🚨 DuplicateEmailError should keep the email, and the pg error as `cause`').toMatchObject({
      code: 'DUPLICATE_EMAIL',
      email: 'ada@example.com',
      cause: { code: '23505' },
    });
  });

  test('createUser lets other failures through unchanged', async () => {
    const nameless = { email: 'ada@example.com', name: null as unknown as string };

    const error = await createUser(db.pool, nameless).catch((e: unknown) => e);

    expect(error, '🚨 a missing name is not a duplicate email: only map code 23505, rethrow everything else').not.toBeInstanceOf(
      DuplicateEmailError,
    );
    expect(error, '🚨 the not-null violation (23502) from PostgreSQL should reach the caller as it is').toMatchObject({
      code: '23502',
    });
  });

  test('findUserByEmail returns the user, or null when there is none', async () => {
    const id = await insertUser('ada@example.com', 'Ada');

    const found = await findUserByEmail(db.pool, 'ada@example.com');
    const missing = await findUserByEmail(db.pool, 'nobody@example.com');

    expect(found, '🚨 findUserByEmail should return the matching user').toEqual({
      id,
      email: 'ada@example.com',
      name: 'Ada',
      createdAt: expect.any(Date),
    });
    expect(missing, '🚨 findUserByEmail should return null (not undefined, not a throw) when no row matches').toBeNull();
  });

  test('renameUser updates the name and returns the updated row', async () => {
    const id = await insertUser('ada@example.com', 'Ada');

    const renamed = await renameUser(db.pool, id, 'Ada Lovelace');

    expect(renamed, '🚨 renameUser should return the row as it is after the UPDATE (UPDATE ... RETURNING)').toMatchObject({
      id,
      name: 'Ada Lovelace',
    });
    const { rows } = await db.pool.query('SELECT name FROM users WHERE id = $1', [id]);
    expect(rows, '🚨 the new name should be stored').toEqual([{ name: 'Ada Lovelace' }]);
  });

  test('renameUser throws UserNotFoundError for an unknown id', async () => {
    const error = await renameUser(db.pool, 4242, 'Ghost').catch((e: unknown) => e);

    expect(error, '🚨 an UPDATE that matched no row should throw UserNotFoundError').toBeInstanceOf(UserNotFoundError);
    expect(error).toMatchObject({ code: 'USER_NOT_FOUND', userId: 4242 });
  });

  test('deleteUser reports whether it deleted someone', async () => {
    const id = await insertUser('ada@example.com', 'Ada');

    const first = await deleteUser(db.pool, id);
    const second = await deleteUser(db.pool, id);

    expect([first, second], '🚨 deleteUser should return true when a row was deleted (rowCount 1), then false').toEqual([
      true,
      false,
    ]);
  });
});

describe('posts, JOIN and GROUP BY', () => {
  test('createPost inserts a post for its author, body defaulting to empty', async () => {
    const ada = await insertUser('ada@example.com', 'Ada');

    const post = await createPost(db.pool, { authorId: ada, title: 'Notes' });

    expect(post, '🚨 createPost should return { id, authorId, title, body, createdAt }').toEqual({
      id: expect.any(Number),
      authorId: ada,
      title: 'Notes',
      body: '',
      createdAt: expect.any(Date),
    });
  });

  test('createPost throws UserNotFoundError when the author does not exist', async () => {
    const error = await createPost(db.pool, { authorId: 777, title: 'Orphan' }).catch((e: unknown) => e);

    expect(error, '🚨 a foreign key violation (23503) should become UserNotFoundError').toBeInstanceOf(UserNotFoundError);
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
      '🚨 expected every post with its author name, ORDER BY created_at DESC, then id DESC for equal times',
    ).toEqual([
      [newest, 'Newest', 'Grace'],
      [tieHigh, 'Tie B', 'Ada'],
      [tieLow, 'Tie A', 'Grace'],
      [old, 'Old', 'Ada'],
    ]);
    expect(posts[0]!.createdAt, '🚨 createdAt should be the post\'s created_at as a Date').toEqual(new Date('2025-01-03T09:00:00Z'));
  });

  test('listPostsWithAuthors stops at the limit', async () => {
    const ada = await insertUser('ada@example.com', 'Ada');
    for (let day = 1; day <= 5; day++) await insertPost(ada, `Day ${day}`, `2025-01-0${day}T09:00:00Z`);

    const posts = await listPostsWithAuthors(db.pool, { limit: 2 });

    expect(posts.map((p) => p.title), '🚨 { limit: 2 } should return the 2 newest posts (LIMIT $1)').toEqual(['Day 5', 'Day 4']);
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
      '🚨 postCount should be a number: COUNT(*) is a bigint and node-postgres returns bigints as strings ("3"). Cast it: COUNT(*)::int',
    ).toBe('number');
    expect(stats, '🚨 expected authors with >= 2 posts, most posts first, then by name (GROUP BY ... HAVING COUNT(*) >= $1)').toEqual([
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

    expect(stats, '🚨 a user with no posts has no rows to count: an inner JOIN leaves them out').toEqual([
      { authorId: ada, name: 'Ada', postCount: 1 },
    ]);
  });
});
