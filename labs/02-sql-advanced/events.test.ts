// recordEvent and findEventsContaining (events.ts): JSONB in, JSONB containment out.
import { beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { useDatabase } from '../../tools/testing/test-env.ts';
import { findEventsContaining, recordEvent, type JsonObject } from './events.ts';
import { applySchema } from './schema.ts';
import { say } from '../../tools/testing/say.ts';

const db = useDatabase({ template: 'empty' });

beforeAll(async () => {
  await applySchema(db.pool);
});

beforeEach(async () => {
  await db.pool.query('DELETE FROM events');
});

/** Inserts through SQL, so the query tests do not depend on recordEvent. */
async function insertEvent(payload: JsonObject, createdAt = '2025-01-01T12:00:00Z'): Promise<number> {
  const { rows } = await db.pool.query<{ id: number }>(
    "INSERT INTO events (type, payload, created_at) VALUES ('test', $1::jsonb, $2) RETURNING id",
    [JSON.stringify(payload), createdAt],
  );
  return rows[0]!.id;
}

const ids = (events: Array<{ id: number }>) => events.map((e) => e.id).sort((a, b) => a - b);

describe('JSONB containment', () => {
  test('recordEvent stores the payload as a JSONB object and returns it parsed', async () => {
    const payload = { action: 'upload', video: { codec: 'h264', width: 1920 }, tags: ['new', 'hd'], draft: false, note: null };

    const event = await recordEvent(db.pool, { type: 'video.uploaded', payload });

    expect(event, say({ en: '🚨 recordEvent should return { id, type, payload, createdAt } from INSERT ... RETURNING', ko: '🚨 recordEvent는 INSERT ... RETURNING으로 받은 { id, type, payload, createdAt }를 돌려줘야 합니다' })).toEqual({
      id: expect.any(Number),
      type: 'video.uploaded',
      payload,
      createdAt: expect.any(Date),
    });
    const { rows } = await db.pool.query("SELECT jsonb_typeof(payload) AS kind, payload #>> '{video,codec}' AS codec FROM events");
    expect(
      rows,
      say({ en: '🚨 the stored payload should be a JSON object you can query into, not a JSON string: pass JSON.stringify(payload) once, as $2::jsonb', ko: '🚨 저장된 payload는 JSON 문자열이 아니라 안을 조회할 수 있는 JSON 객체여야 합니다: JSON.stringify(payload)를 한 번만 $2::jsonb로 넘기세요' }),
    ).toEqual([{ kind: 'object', codec: 'h264' }]);
  });

  test('finds events whose payload contains the filter, at any depth', async () => {
    const h264 = await insertEvent({ action: 'upload', video: { codec: 'h264', width: 1920 }, userId: 1 });
    await insertEvent({ action: 'upload', video: { codec: 'vp9', width: 1280 }, userId: 1 });
    await insertEvent({ action: 'login', userId: 1 });

    const found = await findEventsContaining(db.pool, { video: { codec: 'h264' } });

    expect(ids(found), say({ en: '🚨 WHERE payload @> $1::jsonb: the payload may hold more keys than the filter', ko: '🚨 WHERE payload @> $1::jsonb: 페이로드에는 필터보다 많은 키가 있어도 됩니다' })).toEqual([h264]);
    expect(found[0]!.payload, say({ en: '🚨 return the whole payload, parsed', ko: '🚨 페이로드 전체를 파싱된 객체로 돌려주세요' })).toEqual({
      action: 'upload',
      video: { codec: 'h264', width: 1920 },
      userId: 1,
    });
  });

  test('an array in the filter matches arrays that contain its elements', async () => {
    const urgent = await insertEvent({ tags: ['billing', 'urgent'] });
    await insertEvent({ tags: ['billing'] });

    const found = await findEventsContaining(db.pool, { tags: ['urgent'] });

    expect(ids(found), say({ en: '🚨 @> on arrays: ["billing","urgent"] contains ["urgent"]', ko: '🚨 배열의 @>: ["billing","urgent"]는 ["urgent"]를 포함합니다' })).toEqual([urgent]);
  });

  test('containment compares JSON types: 7 is not "7"', async () => {
    const numeric = await insertEvent({ userId: 7 });
    await insertEvent({ userId: '7' });

    const found = await findEventsContaining(db.pool, { userId: 7 });

    expect(ids(found), say({ en: '🚨 send the filter as JSON (JSON.stringify), so the number stays a number', ko: '🚨 필터는 JSON(JSON.stringify)으로 보내야 숫자가 숫자로 남습니다' })).toEqual([numeric]);
  });

  test('returns the newest events first, up to the limit', async () => {
    const older = await insertEvent({ action: 'login' }, '2025-01-01T10:00:00Z');
    const newest = await insertEvent({ action: 'login' }, '2025-01-01T12:00:00Z');
    const middle = await insertEvent({ action: 'login' }, '2025-01-01T11:00:00Z');

    const all = await findEventsContaining(db.pool, { action: 'login' });
    const two = await findEventsContaining(db.pool, { action: 'login' }, { limit: 2 });

    expect(all.map((e) => e.id), say({ en: '🚨 ORDER BY created_at DESC, id DESC', ko: '🚨 ORDER BY created_at DESC, id DESC로 정렬하세요' })).toEqual([newest, middle, older]);
    expect(two.map((e) => e.id), say({ en: '🚨 { limit: 2 } should return the 2 newest (LIMIT $2)', ko: '🚨 { limit: 2 }이면 가장 최근 2개를 돌려줘야 합니다 (LIMIT $2)' })).toEqual([newest, middle]);
  });

  test('filter values are parameters: quotes in them are plain text', async () => {
    const quoted = await insertEvent({ note: "it's'; DROP TABLE events; --" });

    const found = await findEventsContaining(db.pool, { note: "it's'; DROP TABLE events; --" });

    expect(ids(found), say({ en: '🚨 pass the filter as a parameter ($1), never inside the SQL text', ko: '🚨 필터는 SQL 문자열 안이 아니라 파라미터($1)로 넘기세요' })).toEqual([quoted]);
  });
});
