// searchPosts (search.ts) over the generated tsvector column (schema.ts).
import { beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { useDatabase } from '../../tools/testing/test-env.ts';
import { applySchema } from './schema.ts';
import { searchPosts } from './search.ts';
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

async function insertPost(title: string, body: string): Promise<number> {
  const { rows } = await db.pool.query<{ id: number }>(
    'INSERT INTO posts (author_id, title, body) VALUES ($1, $2, $3) RETURNING id',
    [authorId, title, body],
  );
  return rows[0]!.id;
}

const ids = (hits: Array<{ id: number }>) => hits.map((h) => h.id).sort((a, b) => a - b);

describe('full-text search', () => {
  test('finds posts by any form of a word, in the title or the body', async () => {
    const explained = await insertPost('Indexes explained', 'A short tour.');
    const habit = await insertPost('Weekly notes', 'We indexed every foreign key this week.');
    await insertPost('Cooking pasta', 'Salt the water.');

    const hits = await searchPosts(db.pool, 'indexing');

    expect(
      ids(hits),
      say({ en: "🚨 'indexing', 'indexes' and 'indexed' all stem to 'index': search the `search` tsvector column with @@", ko: '🚨 \'indexing\', \'indexes\', \'indexed\'는 모두 어간 \'index\'가 됩니다: `search` tsvector 컬럼을 @@로 검색하세요' }),
    ).toEqual([explained, habit]);
  });

  test('ranks a match in the title above matches in the body', async () => {
    const inBody = await insertPost('Weekly notes', 'We moved to postgres; postgres indexes made it fast.');
    const inTitle = await insertPost('Postgres tips', 'Small things that help every day.');

    const hits = await searchPosts(db.pool, 'postgres');

    expect(
      hits.map((h) => h.id),
      say({ en: "🚨 best match first (ORDER BY ts_rank(...) DESC): give title words weight 'A' and body words 'B' with setweight() in the generated column", ko: '🚨 가장 잘 맞는 것이 먼저(ORDER BY ts_rank(...) DESC): 생성 컬럼에서 setweight()로 제목 단어에 \'A\', 본문 단어에 \'B\' 가중치를 주세요' }),
    ).toEqual([inTitle, inBody]);
    expect(typeof hits[0]!.rank, say({ en: '🚨 rank should be the ts_rank value, a number', ko: '🚨 rank는 ts_rank 값, 즉 number여야 합니다' })).toBe('number');
    expect(hits[0]!.rank, say({ en: '🚨 the first hit should rank strictly higher', ko: '🚨 첫 번째 결과의 순위가 확실히 더 높아야 합니다' })).toBeGreaterThan(hits[1]!.rank);
  });

  test('reads user input as web search syntax: "phrases", or, -exclusions', async () => {
    const phrase = await insertPost('Full text search in Postgres', 'Built in, no extra service.');
    await insertPost('Search tips', 'Keep the text short, the results full.'); // both words, not as a phrase
    const mysql = await insertPost('Full text search in MySQL', 'Also possible.');
    const sqlite = await insertPost('SQLite notes', 'Small and embedded.');

    const quoted = await searchPosts(db.pool, '"full text" -mysql');
    const either = await searchPosts(db.pool, 'mysql or sqlite');

    expect(ids(quoted), say({ en: '🚨 "full text" is a phrase (words next to each other) and -mysql excludes: use websearch_to_tsquery', ko: '🚨 "full text"는 구(붙어 있는 단어)이고 -mysql은 제외입니다: websearch_to_tsquery를 쓰세요' })).toEqual([
      phrase,
    ]);
    expect(ids(either), say({ en: '🚨 `or` between words means either one', ko: '🚨 단어 사이의 `or`는 둘 중 하나를 뜻합니다' })).toEqual([mysql, sqlite]);
  });

  test('never fails on punctuation in user input', async () => {
    const post = await insertPost('Postgres tips', 'Small things.');

    const hits = await searchPosts(db.pool, 'postgres & (');

    expect(
      ids(hits),
      say({ en: '🚨 to_tsquery throws a syntax error on "&" and "(": websearch_to_tsquery accepts anything a user types', ko: '🚨 to_tsquery는 "&"와 "("에서 구문 오류를 던집니다: websearch_to_tsquery는 사용자가 입력한 무엇이든 받습니다' }),
    ).toEqual([post]);
  });

  test('finds posts written or edited after the search column was added', async () => {
    const post = await insertPost('Draft', 'Nothing yet.');
    const before = await searchPosts(db.pool, 'kubernetes');

    await db.pool.query('UPDATE posts SET title = $2 WHERE id = $1', [post, 'Kubernetes at home']);
    const after = await searchPosts(db.pool, 'kubernetes');
    const stale = await searchPosts(db.pool, 'draft');

    expect(
      [ids(before), ids(after), ids(stale)],
      say({ en: '🚨 a tsvector column filled once by UPDATE goes stale: make it GENERATED ALWAYS AS (...) STORED so every INSERT and UPDATE recomputes it', ko: '🚨 UPDATE로 한 번 채운 tsvector 컬럼은 곧 오래된 값이 됩니다: GENERATED ALWAYS AS (...) STORED로 만들어 모든 INSERT와 UPDATE가 다시 계산하게 하세요' }),
    ).toEqual([[], [post], []]);
  });

  test('returns nothing, without an error, for blank input or only stop words', async () => {
    await insertPost('The best of the rest', 'It is what it is.');

    const blank = await searchPosts(db.pool, '   ');
    const stopWords = await searchPosts(db.pool, 'the');

    expect([blank, stopWords], say({ en: '🚨 nothing to search for matches nothing', ko: '🚨 찾을 말이 없으면 아무것도 찾지 않아야 합니다' })).toEqual([[], []]);
  });
});
