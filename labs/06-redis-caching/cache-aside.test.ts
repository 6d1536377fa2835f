import { afterEach, describe, expect, test } from 'vitest';
import { useDatabase, useRedis } from '../../tools/testing/test-env.ts';
import { Cache, type CacheOptions } from './cache.ts';
import { cacheKeys } from './keys.ts';
import { CachedUser, CachedVideo } from './records.ts';
import { prismaUserSource, prismaVideoSource } from './sources.ts';
import { UserStore } from './user-store.ts';
import { VideoStore } from './video-store.ts';
import { counted, recordingLogger, seedUser, seedVideo } from './fixtures.ts';
import { say } from '../../tools/testing/say.ts';

const db = useDatabase();
const redis = useRedis();
const keys = () => cacheKeys(redis.prefix);

const opened: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((c) => c.close()));
});

function users(options: Partial<CacheOptions<CachedUser>> = {}) {
  const reading = counted(prismaUserSource(db.prisma));
  const cache = new Cache(redis.client, { schema: CachedUser, logger: recordingLogger().logger, ...options });
  opened.push(cache);
  return { store: new UserStore(cache, keys(), reading.source), cache, reads: reading.reads };
}

function videos(options: Partial<CacheOptions<CachedVideo>> = {}) {
  const reading = counted(prismaVideoSource(db.prisma));
  const cache = new Cache(redis.client, { schema: CachedVideo, logger: recordingLogger().logger, ...options });
  opened.push(cache);
  return { store: new VideoStore(cache, keys(), reading.source), cache, reads: reading.reads };
}

describe('cache-aside', () => {
  test('the first read loads from the database and fills the cache; the second is a hit', async () => {
    const id = await seedUser(db.prisma, 'Ada');
    const { store, cache, reads } = users();

    const first = await store.get(id);
    const second = await store.get(id);

    expect(first, say({ en: 'UserStore.get should return the user', ko: 'UserStore.get은 사용자를 돌려줘야 합니다' })).toMatchObject({ id, name: 'Ada' });
    expect(second, say({ en: 'the hit returns the same user', ko: '캐시 적중은 같은 사용자를 돌려줘야 합니다' })).toEqual(first);
    expect(reads(), say({ en: 'one database read: the second get is served from Redis', ko: '데이터베이스 읽기는 한 번: 두 번째 get은 Redis에서 나와야 합니다' })).toBe(1);
    expect(await redis.client.exists(keys().user(id)), say({ en: 'the entry is stored under keys.user(id)', ko: '항목은 keys.user(id)에 저장되어야 합니다' })).toBe(1);
    expect(cache.stats(), say({ en: 'Cache.stats() counts one miss, one hit, one load', ko: 'Cache.stats()는 miss 하나, hit 하나, load 하나를 세야 합니다' })).toMatchObject({ hits: 1, misses: 1, loads: 1, fallbacks: 0, errors: 0 });
  });

  test('a hit comes back with real Dates and bigints', async () => {
    const id = await seedVideo(db.prisma, 'intro.mp4', 9007199254740993n);
    const { store } = videos();

    await store.get(id);
    const hit = await store.get(id);

    expect(hit?.updatedAt, say({ en: 'decode entries through the schema: updatedAt should be a Date', ko: '항목은 스키마로 디코딩하세요: updatedAt은 Date여야 합니다' })).toBeInstanceOf(Date);
    expect(hit?.sizeBytes, say({ en: 'sizeBytes should be the exact bigint', ko: 'sizeBytes는 정확한 bigint여야 합니다' })).toBe(9007199254740993n);
  });

  test('an entry that is not a cached value of this shape is never served: it is rebuilt from the database', async () => {
    const id = await seedVideo(db.prisma, 'intro.mp4', 52_428_800n);
    const row = await prismaVideoSource(db.prisma).findById(id);
    const { store, cache, reads } = videos();
    const key = keys().video(id);
    const expiresAt = Date.now() + 60_000;
    const at = '2026-05-01T00:00:00.000Z';
    const corrupt = {
      'text that is not JSON': 'garbage',
      'a user where a video belongs (another release, another service)': JSON.stringify({ found: true, expiresAt, value: { id, email: 'ada@example.test', name: 'Ada', createdAt: at, updatedAt: at } }),
      'a video whose id is a string': JSON.stringify({ found: true, expiresAt, value: { ...row, id: String(id), sizeBytes: String(row?.sizeBytes), updatedAt: at } }),
    };

    for (const [what, text] of Object.entries(corrupt)) {
      await redis.client.set(key, text, { expiration: { type: 'PX', value: 60_000 } });
      const served = await store.get(id).catch((error: unknown) => error);
      const again = await store.get(id).catch((error: unknown) => error);

      expect(served, say({ en: `Redis held ${what}: don't serve (or throw) it, decode every entry through the schema and treat one that fails as a miss`, ko: `Redis에 ${what} 들어 있었습니다: 그것을 내주거나 던지지 말고, 모든 항목을 스키마로 디코딩해 실패하면 miss로 다루세요` })).toEqual(row);
      expect(again, say({ en: `after ${what}, the next read should be a hit with the row: the miss stores it over the bad entry, and a hit decodes through the schema too`, ko: `${what} 뒤의 다음 읽기는 그 행으로 적중해야 합니다: miss는 나쁜 항목 위에 행을 저장하고, 적중도 스키마로 디코딩합니다` })).toEqual(row);
    }

    expect(reads(), say({ en: 'one database read per corrupt entry, then hits', ko: '손상된 항목마다 데이터베이스 읽기 하나, 그다음은 적중' })).toBe(3);
    expect(cache.stats()).toMatchObject({ hits: 3, misses: 3, fallbacks: 0, errors: 0 });
  });

  test('each value is written with a TTL of ttlSeconds ± jitter, in its PX and in its expiresAt', async () => {
    const ids = [await seedUser(db.prisma, 'A'), await seedUser(db.prisma, 'B'), await seedUser(db.prisma, 'C')];
    const randoms = [0, 0.5, 0.75];
    const { store } = users({ ttlSeconds: 60, jitter: 0.1, random: () => randoms.shift() ?? 0.5 });

    for (const id of ids) await store.get(id);

    const ttls = await Promise.all(ids.map((id) => redis.client.pTTL(keys().user(id))));
    const entries = await Promise.all(ids.map(async (id) => JSON.parse((await redis.client.get(keys().user(id))) ?? '{}') as { expiresAt?: unknown }));
    const now = Date.now();
    const expected = [54_000, 60_000, 63_000];
    ttls.forEach((ttl, i) => {
      expect(ttl, say({ en: `entry ${i + 1}: PX should be jitteredTtlMs(60 s, 0.1, random) = ${expected[i]}`, ko: `항목 ${i + 1}: PX는 jitteredTtlMs(60 s, 0.1, random) = ${expected[i]}여야 합니다` })).toBeLessThanOrEqual(expected[i]!);
      expect(ttl).toBeGreaterThan(expected[i]! - 2500);
      const left = Number(entries[i]!.expiresAt) - now;
      expect(left, say({ en: `entry ${i + 1}: expiresAt should be now + the same TTL as its PX (#encode)`, ko: `항목 ${i + 1}: expiresAt은 지금 + PX와 같은 TTL이어야 합니다(#encode)` })).toBeLessThanOrEqual(expected[i]!);
      expect(left).toBeGreaterThan(expected[i]! - 2500);
    });
  });
});

describe('invalidation and write-through', () => {
  test('updating a user invalidates the entry: the next read loads the new name', async () => {
    const id = await seedUser(db.prisma, 'Ada');
    const { store, reads } = users();
    await store.get(id);

    const updated = await store.update(id, { name: 'Ada Lovelace' });

    expect(updated.name).toBe('Ada Lovelace');
    expect(await redis.client.exists(keys().user(id)), say({ en: 'UserStore.update should invalidate (delete) the entry', ko: 'UserStore.update는 항목을 무효화(삭제)해야 합니다' })).toBe(0);
    expect((await store.get(id))?.name).toBe('Ada Lovelace');
    expect(reads(), say({ en: 'the read after the update goes to the database', ko: '수정 뒤의 읽기는 데이터베이스로 가야 합니다' })).toBe(2);
  });

  test('deleting a user invalidates the entry: the next read is null', async () => {
    const id = await seedUser(db.prisma, 'Temp');
    const { store } = users();
    await store.get(id);

    await store.delete(id);

    expect(await store.get(id), say({ en: 'a deleted user must not be served from the cache', ko: '지워진 사용자가 캐시에서 나오면 안 됩니다' })).toBeNull();
  });

  test('updating a video writes through: the next read is a hit with the new title', async () => {
    const id = await seedVideo(db.prisma, 'draft.mp4');
    const { store, cache, reads } = videos();
    await store.get(id);

    await store.update(id, { title: 'final.mp4' });
    const after = await store.get(id);

    expect(after?.title, say({ en: 'VideoStore.update should write the new value into the cache', ko: 'VideoStore.update는 새 값을 캐시에 써야 합니다' })).toBe('final.mp4');
    expect(reads(), say({ en: 'write-through: no database read after the update', ko: '라이트 스루: 수정 뒤에 데이터베이스 읽기가 없어야 합니다' })).toBe(1);
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1 });
    expect(await redis.client.pTTL(keys().video(id)), say({ en: 'a written-through value has a TTL too', ko: '라이트 스루로 쓴 값에도 TTL이 있어야 합니다' })).toBeGreaterThan(0);
  });
});

describe('negative caching', () => {
  test('a missing row is cached as "not found" for the short negative TTL', async () => {
    const missing = 2_000_000_000;
    const { store, cache, reads } = users({ negativeTtlSeconds: 5 });

    expect(await store.get(missing), say({ en: 'a user that does not exist reads as null', ko: '없는 사용자는 null로 읽혀야 합니다' })).toBeNull();
    expect(await store.get(missing), say({ en: 'a cached "not found" must come back as null, not as a value', ko: '캐시된 "없음"은 값이 아니라 null로 돌아와야 합니다' })).toBeNull();

    expect(reads(), say({ en: 'the second lookup of a missing user is answered by the cache', ko: '없는 사용자를 두 번째로 찾으면 캐시가 답해야 합니다' })).toBe(1);
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1 });
    const ttl = await redis.client.pTTL(keys().user(missing));
    expect(ttl, say({ en: 'a "not found" expires after negativeTtlSeconds (5 s), not the full TTL', ko: '"없음"은 전체 TTL이 아니라 negativeTtlSeconds(5초) 뒤에 만료되어야 합니다' })).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(5000);
  });
});
