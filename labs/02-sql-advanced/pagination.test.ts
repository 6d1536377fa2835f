// listPostsByOffset and listPostsByKeyset (pagination.ts): order, ties, and rows arriving mid-way.
import { beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { useDatabase } from '../../tools/testing/test-env.ts';
import { InvalidCursorError } from './errors.ts';
import { listPostsByKeyset, listPostsByOffset } from './pagination.ts';
import { applySchema } from './schema.ts';
import { say } from '../../tools/testing/say.ts';

const db = useDatabase({ template: 'empty' });
let authorId: number;

beforeAll(async () => {
  await applySchema(db.pool);
});

beforeEach(async () => {
  await db.pool.query('DELETE FROM users'); // ON DELETE CASCADE empties posts too
  const { rows } = await db.pool.query<{ id: number }>(
    "INSERT INTO users (email, name) VALUES ('ada@example.com', 'Ada') RETURNING id",
  );
  authorId = rows[0]!.id;
});

/** Inserts posts in this order (ids ascend with it) and returns their ids. */
async function insertPosts(...createdAts: string[]): Promise<number[]> {
  const ids: number[] = [];
  for (const createdAt of createdAts) {
    const { rows } = await db.pool.query<{ id: number }>(
      'INSERT INTO posts (author_id, title, created_at) VALUES ($1, $2, $3) RETURNING id',
      [authorId, `Post at ${createdAt}`, createdAt],
    );
    ids.push(rows[0]!.id);
  }
  return ids;
}

/** A post newer than every other one, like one published while someone is paging. */
async function publishNewest(): Promise<number> {
  const [id] = await insertPosts('2030-01-01T00:00:00Z');
  return id!;
}

const day = (n: number) => `2025-01-${String(n).padStart(2, '0')}T12:00:00Z`;

async function walkKeyset(limit: number, between?: () => Promise<unknown>) {
  const pages: number[][] = [];
  let after: string | null = null;
  do {
    const page = await listPostsByKeyset(db.pool, { after, limit });
    pages.push(page.posts.map((p) => p.id));
    after = page.nextCursor;
    if (pages.length > 20) throw new Error('listPostsByKeyset kept returning a nextCursor: is it null on the last page?');
    if (after) await between?.();
  } while (after);
  return pages;
}

describe('offset pagination', () => {
  test('pages hold consecutive posts, newest first', async () => {
    const [a, b, c, d, e] = await insertPosts(day(1), day(2), day(3), day(4), day(5));

    const pages = [
      await listPostsByOffset(db.pool, { page: 1, pageSize: 2 }),
      await listPostsByOffset(db.pool, { page: 2, pageSize: 2 }),
      await listPostsByOffset(db.pool, { page: 3, pageSize: 2 }),
    ];

    expect(
      pages.map((page) => page.map((p) => p.id)),
      say({ en: '🚨 page N should skip (N - 1) * pageSize rows: LIMIT $1 OFFSET $2, ORDER BY created_at DESC, id DESC', ko: '🚨 N페이지는 (N - 1) * pageSize개 행을 건너뛰어야 합니다: LIMIT $1 OFFSET $2, ORDER BY created_at DESC, id DESC' }),
    ).toEqual([[e, d], [c, b], [a]]);
    expect(pages[0]![0], say({ en: '🚨 each post should be { id, authorId, title, createdAt }', ko: '🚨 글마다 { id, authorId, title, createdAt } 모양이어야 합니다' })).toEqual({
      id: e,
      authorId,
      title: `Post at ${day(5)}`,
      createdAt: new Date(day(5)),
    });
  });

  test('posts with the same created_at come highest id first', async () => {
    const [a, b, c, d] = await insertPosts(day(1), day(1), day(1), day(1));

    const pages = [
      await listPostsByOffset(db.pool, { page: 1, pageSize: 2 }),
      await listPostsByOffset(db.pool, { page: 2, pageSize: 2 }),
    ];

    expect(
      pages.map((page) => page.map((p) => p.id)),
      say({ en: '🚨 ORDER BY created_at alone leaves ties in any order, so pages can overlap: add id DESC as a tie-breaker', ko: '🚨 ORDER BY created_at만으로는 같은 시각의 행 순서가 정해지지 않아 페이지가 겹칠 수 있습니다: 동점을 가를 id DESC를 더하세요' }),
    ).toEqual([
      [d, c],
      [b, a],
    ]);
  });

  test('a post published between two pages pushes a row onto the next page again', async () => {
    const [, , p3, p4, p5, p6] = await insertPosts(day(1), day(2), day(3), day(4), day(5), day(6));

    const first = await listPostsByOffset(db.pool, { page: 1, pageSize: 3 });
    await publishNewest();
    const second = await listPostsByOffset(db.pool, { page: 2, pageSize: 3 });

    // This is how OFFSET behaves, not a bug in your code: it counts rows, and the new post moved every row down by one.
    expect(
      [first.map((p) => p.id), second.map((p) => p.id)],
      say({ en: '🚨 page 2 is OFFSET 3: after one new post at the head it starts at the old 3rd row again', ko: '🚨 2페이지는 OFFSET 3입니다: 맨 앞에 새 글 하나가 들어오면 옛 3번째 행부터 다시 시작합니다' }),
    ).toEqual([
      [p6, p5, p4],
      [p4, p3, expect.any(Number)],
    ]);
  });
});

describe('keyset pagination', () => {
  test('the first page has the newest posts and a cursor to continue', async () => {
    const [, , c, d, e] = await insertPosts(day(1), day(2), day(3), day(4), day(5));

    const page = await listPostsByKeyset(db.pool, { limit: 3 });

    expect(page.posts.map((p) => p.id), say({ en: '🚨 without `after`, return the newest `limit` posts', ko: '🚨 `after`가 없으면 가장 최근 글 `limit`개를 돌려주세요' })).toEqual([e, d, c]);
    expect(page.posts[0], say({ en: '🚨 each post should be { id, authorId, title, createdAt }', ko: '🚨 글마다 { id, authorId, title, createdAt } 모양이어야 합니다' })).toEqual({
      id: e,
      authorId,
      title: `Post at ${day(5)}`,
      createdAt: new Date(day(5)),
    });
    expect(typeof page.nextCursor, say({ en: '🚨 more posts remain, so nextCursor should be a string (encodeCursor)', ko: '🚨 글이 더 남았으므로 nextCursor는 문자열이어야 합니다 (encodeCursor)' })).toBe('string');
  });

  test('following nextCursor visits every post once, in order, across ties', async () => {
    const ids = await insertPosts(day(3), day(1), day(2), day(2), day(2), day(3), day(1));
    const expected = [ids[5], ids[0], ids[4], ids[3], ids[2], ids[6], ids[1]]; // created_at DESC, id DESC

    const pages = await walkKeyset(2);

    expect(
      pages,
      say({ en: '🚨 WHERE (created_at, id) < ($1, $2) with ORDER BY created_at DESC, id DESC: the cursor must carry both the time and the id', ko: '🚨 ORDER BY created_at DESC, id DESC에 WHERE (created_at, id) < ($1, $2): 커서에는 시각과 id가 모두 들어 있어야 합니다' }),
    ).toEqual([expected.slice(0, 2), expected.slice(2, 4), expected.slice(4, 6), expected.slice(6)]);
  });

  test('nextCursor is null when there is nothing after the page', async () => {
    await insertPosts(day(1), day(2), day(3), day(4));

    const pages = await walkKeyset(2);

    expect(
      pages.map((p) => p.length),
      say({ en: '🚨 4 posts with limit 2 are 2 full pages and no empty third one: fetch limit + 1 rows to know whether more exist', ko: '🚨 limit 2에 글 4개면 꽉 찬 두 페이지이고 빈 세 번째 페이지는 없습니다: 더 있는지 알려면 limit + 1개 행을 가져오세요' }),
    ).toEqual([2, 2]);
  });

  test('posts published while paging neither repeat nor go missing', async () => {
    const ids = await insertPosts(day(1), day(2), day(3), day(4), day(5), day(6));

    const pages = await walkKeyset(2, publishNewest);

    expect(
      pages.flat(),
      say({ en: '🚨 a cursor marks a position in the order, so rows added at the head do not shift the next page', ko: '🚨 커서는 순서 안의 위치를 가리키므로, 맨 앞에 더해진 행이 다음 페이지를 밀어내지 않습니다' }),
    ).toEqual([...ids].reverse());
  });

  test('timestamps that differ by microseconds keep their place', async () => {
    // Three posts within one millisecond: a JavaScript Date cannot tell them apart, PostgreSQL can.
    const [a, b, c] = await insertPosts(
      '2025-01-01 12:00:00.000300+00',
      '2025-01-01 12:00:00.000200+00',
      '2025-01-01 12:00:00.000100+00',
    );

    const pages = await walkKeyset(1);

    expect(
      pages,
      say({ en: '🚨 build the cursor from created_at::text (microseconds), not from the Date (milliseconds): see cursor.ts', ko: '🚨 커서는 Date(밀리초)가 아니라 created_at::text(마이크로초)로 만드세요: cursor.ts 참고' }),
    ).toEqual([[a], [b], [c]]);
  });

  test('a cursor it did not make is refused with InvalidCursorError', async () => {
    await insertPosts(day(1));

    const error = await listPostsByKeyset(db.pool, { after: 'bm90LWEtY3Vyc29y', limit: 2 }).catch((e: unknown) => e);

    expect(error, say({ en: '🚨 decode `after` with decodeCursor before it reaches SQL', ko: '🚨 `after`는 SQL에 닿기 전에 decodeCursor로 풀어야 합니다' })).toBeInstanceOf(InvalidCursorError);
  });
});
