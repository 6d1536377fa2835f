// recordEvent and findEventsContaining (events.ts): JSONB in, JSONB containment out.
import { beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { useDatabase } from '../../tools/testing/test-env.ts';
import { findEventsContaining, recordEvent, type JsonObject } from './events.ts';
import { applySchema } from './schema.ts';

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

    expect(event, '🚨 recordEvent should return { id, type, payload, createdAt } from INSERT ... RETURNING').toEqual({
      id: expect.any(Number),
      type: 'video.uploaded',
      payload,
      createdAt: expect.any(Date),
    });
    const { rows } = await db.pool.query("SELECT jsonb_typeof(payload) AS kind, payload #>> '{video,codec}' AS codec FROM events");
    expect(
      rows,
      '🚨 the stored payload should be a JSON object you can query into, not a JSON string: pass JSON.stringify(payload) once, as $2::jsonb',
    ).toEqual([{ kind: 'object', codec: 'h264' }]);
  });

  test('finds events whose payload contains the filter, at any depth', async () => {
    const h264 = await insertEvent({ action: 'upload', video: { codec: 'h264', width: 1920 }, userId: 1 });
    await insertEvent({ action: 'upload', video: { codec: 'vp9', width: 1280 }, userId: 1 });
    await insertEvent({ action: 'login', userId: 1 });

    const found = await findEventsContaining(db.pool, { video: { codec: 'h264' } });

    expect(ids(found), '🚨 WHERE payload @> $1::jsonb: the payload may hold more keys than the filter').toEqual([h264]);
    expect(found[0]!.payload, '🚨 return the whole payload, parsed').toEqual({
      action: 'upload',
      video: { codec: 'h264', width: 1920 },
      userId: 1,
    });
  });

  test('an array in the filter matches arrays that contain its elements', async () => {
    const urgent = await insertEvent({ tags: ['billing', 'urgent'] });
    await insertEvent({ tags: ['billing'] });

    const found = await findEventsContaining(db.pool, { tags: ['urgent'] });

    expect(ids(found), '🚨 @> on arrays: ["billing","urgent"] contains ["urgent"]').toEqual([urgent]);
  });

  test('containment compares JSON types: 7 is not "7"', async () => {
    const numeric = await insertEvent({ userId: 7 });
    await insertEvent({ userId: '7' });

    const found = await findEventsContaining(db.pool, { userId: 7 });

    expect(ids(found), '🚨 send the filter as JSON (JSON.stringify), so the number stays a number').toEqual([numeric]);
  });

  test('returns the newest events first, up to the limit', async () => {
    const older = await insertEvent({ action: 'login' }, '2025-01-01T10:00:00Z');
    const newest = await insertEvent({ action: 'login' }, '2025-01-01T12:00:00Z');
    const middle = await insertEvent({ action: 'login' }, '2025-01-01T11:00:00Z');

    const all = await findEventsContaining(db.pool, { action: 'login' });
    const two = await findEventsContaining(db.pool, { action: 'login' }, { limit: 2 });

    expect(all.map((e) => e.id), '🚨 ORDER BY created_at DESC, id DESC').toEqual([newest, middle, older]);
    expect(two.map((e) => e.id), '🚨 { limit: 2 } should return the 2 newest (LIMIT $2)').toEqual([newest, middle]);
  });

  test('filter values are parameters: quotes in them are plain text', async () => {
    const quoted = await insertEvent({ note: "it's'; DROP TABLE events; --" });

    const found = await findEventsContaining(db.pool, { note: "it's'; DROP TABLE events; --" });

    expect(ids(found), '🚨 pass the filter as a parameter ($1), never inside the SQL text').toEqual([quoted]);
  });
});
