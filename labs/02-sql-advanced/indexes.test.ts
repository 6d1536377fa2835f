// EXPLAIN on the queries your functions send: on a table big enough, the planner should pick your indexes.
import { beforeAll, describe, expect, test } from 'vitest';
import type { Queryable } from '../../solutions/01-sql-basics/index.ts';
import { useDatabase } from '../../tools/testing/test-env.ts';
import { findEventsContaining } from './events.ts';
import { listPostsByKeyset } from './pagination.ts';
import { applySchema } from './schema.ts';
import { searchPosts } from './search.ts';
import { say } from '../../tools/testing/say.ts';

const db = useDatabase({ template: 'empty' });
const ROWS = 10_000;

beforeAll(async () => {
  await applySchema(db.pool);
  const { rows } = await db.pool.query<{ id: number }>(
    "INSERT INTO users (email, name) VALUES ('ada@example.com', 'Ada') RETURNING id",
  );
  // Generated inside PostgreSQL in one statement each: much faster than 10 000 round trips.
  // One post in 500 mentions postgres; created_at repeats every 1 000 rows, so ties exist.
  await db.pool.query(
    `INSERT INTO posts (author_id, title, body, created_at)
     SELECT $1, 'Post ' || g,
            CASE WHEN g % 500 = 0 THEN 'Notes on postgres indexes' ELSE 'Notes on item ' || g END,
            timestamptz '2025-01-01' + (g % 1000) * interval '1 minute'
       FROM generate_series(1, $2::int) AS g`,
    [rows[0]!.id, ROWS],
  );
  await db.pool.query(
    `INSERT INTO events (type, payload, created_at)
     SELECT 'activity',
            jsonb_build_object('userId', g % 1000, 'action', (ARRAY['login', 'upload', 'logout'])[1 + g % 3]),
            timestamptz '2025-01-01' + g * interval '1 second'
       FROM generate_series(1, $1::int) AS g`,
    [ROWS],
  );
  // ANALYZE gives the planner row counts and value statistics. VACUUM also moves rows out of the
  // GIN "pending list" (where fast inserts wait) into the index proper, which the planner costs in.
  await db.pool.query('VACUUM ANALYZE posts, events');
}, 60_000);

interface RecordedQuery {
  text: string;
  values: unknown[];
}

/** A Queryable that passes every query through to the pool and remembers it. */
function recording(): { db: Queryable; queries: RecordedQuery[] } {
  const queries: RecordedQuery[] = [];
  return {
    queries,
    db: {
      query(text, values = []) {
        queries.push({ text, values });
        return db.pool.query(text, values);
      },
    },
  };
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Filter?: string;
  Plans?: PlanNode[];
}

async function planOf(query: RecordedQuery | undefined, what: string): Promise<PlanNode[]> {
  expect(query, say({ en: `🚨 ${what} sent no query to the database`, ko: `🚨 ${what}이(가) 데이터베이스에 쿼리를 보내지 않았습니다` })).toBeDefined();
  const { rows } = await db.pool.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(
    `EXPLAIN (FORMAT JSON) ${query!.text}`,
    query!.values,
  );
  const nodes: PlanNode[] = [];
  const visit = (node: PlanNode) => {
    nodes.push(node);
    node.Plans?.forEach(visit);
  };
  visit(rows[0]!['QUERY PLAN'][0]!.Plan);
  return nodes;
}

/** One line per plan node, for failure messages: "Limit > Sort > Seq Scan on posts". */
const describePlan = (nodes: PlanNode[]) =>
  nodes
    .map((n) => [n['Node Type'], n['Relation Name'] && `on ${n['Relation Name']}`, n['Index Name'] && `using ${n['Index Name']}`].filter(Boolean).join(' '))
    .join(' > ');

async function indexDefinition(name: string | undefined): Promise<string> {
  const { rows } = await db.pool.query<{ indexdef: string }>('SELECT indexdef FROM pg_indexes WHERE indexname = $1', [name]);
  return rows[0]?.indexdef ?? '';
}

describe('the planner uses your indexes', () => {
  test('a keyset page seeks into an index on (created_at, id) instead of sorting', async () => {
    const first = await listPostsByKeyset(db.pool, { limit: 20 });
    const recorder = recording();

    await listPostsByKeyset(recorder.db, { after: first.nextCursor, limit: 20 });
    const nodes = await planOf(recorder.queries.at(-1), 'listPostsByKeyset');

    const plan = describePlan(nodes);
    expect(
      nodes.filter((n) => n['Node Type'].includes('Sort')).map((n) => n['Node Type']),
      say({ en: `🚨 the index should deliver rows already in (created_at DESC, id DESC) order, with no Sort: CREATE INDEX ON posts (created_at, id). Plan: ${plan}`, ko: `🚨 인덱스가 행을 이미 (created_at DESC, id DESC) 순서로 내줘서 Sort가 없어야 합니다: CREATE INDEX ON posts (created_at, id). 실행 계획: ${plan}` }),
    ).toEqual([]);
    const scan = nodes.find((n) => n['Relation Name'] === 'posts');
    expect(
      scan && { type: scan['Node Type'], seeks: Boolean(scan['Index Cond']) },
      say({ en: `🚨 the cursor condition should be an Index Cond (the index jumps to the cursor) rather than a Filter over rows read from the top: write WHERE (created_at, id) < ($1, $2). Plan: ${plan}`, ko: `🚨 커서 조건은 위에서부터 읽은 행에 거는 Filter가 아니라 Index Cond여야 합니다(인덱스가 커서 위치로 바로 갑니다): WHERE (created_at, id) < ($1, $2)로 쓰세요. 실행 계획: ${plan}` }),
    ).toEqual({ type: expect.stringMatching(/^Index (Only )?Scan$/), seeks: true });
  });

  test('full-text search reads the GIN index on the search column', async () => {
    const recorder = recording();

    await searchPosts(recorder.db, 'postgres');
    const nodes = await planOf(recorder.queries.at(-1), 'searchPosts');

    const indexScan = nodes.find((n) => n['Node Type'] === 'Bitmap Index Scan');
    expect(indexScan, say({ en: `🚨 expected a Bitmap Index Scan: CREATE INDEX ... ON posts USING gin (search). Plan: ${describePlan(nodes)}`, ko: `🚨 Bitmap Index Scan이 있어야 합니다: CREATE INDEX ... ON posts USING gin (search). 실행 계획: ${describePlan(nodes)}` })).toBeDefined();
    expect(await indexDefinition(indexScan!['Index Name']), say({ en: '🚨 the index scanned should be a GIN index on posts', ko: '🚨 스캔한 인덱스는 posts의 GIN 인덱스여야 합니다' })).toMatch(
      /ON public\.posts USING gin/,
    );
  });

  test('JSONB containment reads a jsonb_path_ops GIN index', async () => {
    const recorder = recording();

    await findEventsContaining(recorder.db, { userId: 42 });
    const nodes = await planOf(recorder.queries.at(-1), 'findEventsContaining');

    const indexScan = nodes.find((n) => n['Node Type'] === 'Bitmap Index Scan');
    expect(
      indexScan,
      say({ en: `🚨 expected a Bitmap Index Scan: CREATE INDEX ... ON events USING gin (payload jsonb_path_ops). Plan: ${describePlan(nodes)}`, ko: `🚨 Bitmap Index Scan이 있어야 합니다: CREATE INDEX ... ON events USING gin (payload jsonb_path_ops). 실행 계획: ${describePlan(nodes)}` }),
    ).toBeDefined();
    expect(
      await indexDefinition(indexScan!['Index Name']),
      say({ en: '🚨 the index scanned should be GIN with the jsonb_path_ops operator class (smaller and faster for @>)', ko: '🚨 스캔한 인덱스는 jsonb_path_ops 연산자 클래스를 쓰는 GIN이어야 합니다(@>에 더 작고 빠릅니다)' }),
    ).toMatch(/ON public\.events USING gin \(payload jsonb_path_ops\)/);
  });
});
