// The DDL in schema.ts: constraints and indexes, checked with plain SQL (no lab functions involved).
import { beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { useDatabase } from '../../tools/testing/test-env.ts';
import { applySchema } from './schema.ts';
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

async function insertUser(email: string, name = 'Ada'): Promise<number> {
  const { rows } = await db.pool.query<{ id: number }>('INSERT INTO users (email, name) VALUES ($1, $2) RETURNING id', [
    email,
    name,
  ]);
  return rows[0]!.id;
}

async function indexesOn(table: string): Promise<Array<{ name: string; firstColumn: string; definition: string }>> {
  const { rows } = await db.pool.query<{ indexname: string; indexdef: string }>(
    `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = $1`,
    [table],
  );
  // indexdef reads like: CREATE INDEX posts_author_id_idx ON public.posts USING btree (author_id)
  return rows.map((r) => ({
    name: r.indexname,
    firstColumn: /USING \w+ \((\w+)/.exec(r.indexdef)?.[1] ?? '',
    definition: r.indexdef,
  }));
}

describe('schema', () => {
  test('two users cannot share an email (UNIQUE)', async () => {
    await insertUser('ada@example.com');

    const second = db.pool.query('INSERT INTO users (email, name) VALUES ($1, $2)', ['ada@example.com', 'Other Ada']);

    (await rejected(
      second,
      say({ en: '🚨 a second user with the same email should be refused with a unique violation (SQLSTATE 23505): make users.email UNIQUE in labs/01-sql-basics/schema.ts', ko: '🚨 같은 이메일의 두 번째 사용자는 unique 위반(SQLSTATE 23505)으로 거절되어야 합니다: labs/01-sql-basics/schema.ts에서 users.email을 UNIQUE로 만드세요' }),
    )).toMatchObject({ code: '23505' });
  });

  test('a post must name an author that exists (FOREIGN KEY)', async () => {
    const orphan = db.pool.query('INSERT INTO posts (author_id, title) VALUES ($1, $2)', [999, 'Nobody wrote this']);

    (await rejected(
      orphan,
      say({ en: '🚨 a post whose author_id is not in users should be refused with a foreign key violation (23503): make posts.author_id REFERENCES users (id)', ko: '🚨 users에 없는 author_id를 가진 글은 외래 키 위반(23503)으로 거절되어야 합니다: posts.author_id를 REFERENCES users (id)로 만드세요' }),
    )).toMatchObject({ code: '23503' });
  });

  test('a post must have an author (NOT NULL)', async () => {
    const authorless = db.pool.query('INSERT INTO posts (title) VALUES ($1)', ['Anonymous']);

    (await rejected(
      authorless,
      say({ en: '🚨 a post without author_id should be refused with a not-null violation (23502): declare posts.author_id NOT NULL', ko: '🚨 author_id가 없는 글은 not-null 위반(23502)으로 거절되어야 합니다: posts.author_id를 NOT NULL로 선언하세요' }),
    )).toMatchObject({ code: '23502' });
  });

  test('deleting a user deletes their posts (ON DELETE CASCADE)', async () => {
    const ada = await insertUser('ada@example.com');
    const grace = await insertUser('grace@example.com', 'Grace');
    await db.pool.query('INSERT INTO posts (author_id, title) VALUES ($1, $2), ($1, $3), ($4, $5)', [
      ada,
      'Notes on the engine',
      'On loops',
      grace,
      'Compilers',
    ]);

    await db.pool.query('DELETE FROM users WHERE id = $1', [ada]);

    const { rows } = await db.pool.query<{ author_id: number; title: string }>('SELECT author_id, title FROM posts');
    expect(rows, say({ en: "🚨 deleting a user should delete exactly that user's posts: add ON DELETE CASCADE to posts.author_id", ko: "🚨 사용자를 지우면 그 사용자의 글만 정확히 지워져야 합니다: posts.author_id에 ON DELETE CASCADE를 붙이세요" })).toEqual([
      { author_id: grace, title: 'Compilers' },
    ]);
  });

  test('posts.author_id has an index', async () => {
    const indexes = await indexesOn('posts');

    const found = indexes.find((i) => i.firstColumn === 'author_id');

    expect(
      found,
      say({ en: `🚨 expected an index on posts whose first column is author_id (PostgreSQL does not index a foreign key column for you). Indexes on posts now: ${JSON.stringify(indexes.map((i) => i.definition))}`, ko: `🚨 첫 컬럼이 author_id인 posts 인덱스가 있어야 합니다(PostgreSQL은 외래 키 컬럼에 인덱스를 만들어 주지 않습니다). 지금 posts의 인덱스: ${JSON.stringify(indexes.map((i) => i.definition))}` }),
    ).toBeDefined();
  });

  test('posts.created_at has a B-tree index (for newest-first listings)', async () => {
    const indexes = await indexesOn('posts');

    const found = indexes.find((i) => i.firstColumn === 'created_at' && i.definition.includes('USING btree'));

    expect(
      found,
      say({ en: `🚨 expected a btree index on posts whose first column is created_at. Indexes on posts now: ${JSON.stringify(indexes.map((i) => i.definition))}`, ko: `🚨 첫 컬럼이 created_at인 posts의 btree 인덱스가 있어야 합니다. 지금 posts의 인덱스: ${JSON.stringify(indexes.map((i) => i.definition))}` }),
    ).toBeDefined();
  });
});
