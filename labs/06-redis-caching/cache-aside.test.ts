import { afterEach, describe, expect, test } from 'vitest';
import { useDatabase, useRedis } from '../../tools/testing/test-env.ts';
import { Cache, type CacheOptions } from './cache.ts';
import { cacheKeys } from './keys.ts';
import { CachedUser, CachedVideo } from './records.ts';
import { prismaUserSource, prismaVideoSource } from './sources.ts';
import { UserStore } from './user-store.ts';
import { VideoStore } from './video-store.ts';
import { counted, recordingLogger, seedUser, seedVideo } from './fixtures.ts';

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

    expect(first, 'UserStore.get should return the user').toMatchObject({ id, name: 'Ada' });
    expect(second, 'the hit returns the same user').toEqual(first);
    expect(reads(), 'one database read: the second get is served from Redis').toBe(1);
    expect(await redis.client.exists(keys().user(id)), 'the entry is stored under keys.user(id)').toBe(1);
    expect(cache.stats(), 'Cache.stats() counts one miss, one hit, one load').toMatchObject({ hits: 1, misses: 1, loads: 1, fallbacks: 0, errors: 0 });
  });

  test('a hit comes back with real Dates and bigints', async () => {
    const id = await seedVideo(db.prisma, 'intro.mp4', 9007199254740993n);
    const { store } = videos();

    await store.get(id);
    const hit = await store.get(id);

    expect(hit?.updatedAt, 'decode entries through the schema: updatedAt should be a Date').toBeInstanceOf(Date);
    expect(hit?.sizeBytes, 'sizeBytes should be the exact bigint').toBe(9007199254740993n);
  });

  test('each value is written with a TTL of ttlSeconds ± jitter', async () => {
    const ids = [await seedUser(db.prisma, 'A'), await seedUser(db.prisma, 'B'), await seedUser(db.prisma, 'C')];
    const randoms = [0, 0.5, 0.75];
    const { store } = users({ ttlSeconds: 60, jitter: 0.1, random: () => randoms.shift() ?? 0.5 });

    for (const id of ids) await store.get(id);

    const ttls = await Promise.all(ids.map((id) => redis.client.pTTL(keys().user(id))));
    const expected = [54_000, 60_000, 63_000];
    ttls.forEach((ttl, i) => {
      expect(ttl, `entry ${i + 1}: PX should be jitteredTtlMs(60 s, 0.1, random) = ${expected[i]}`).toBeLessThanOrEqual(expected[i]!);
      expect(ttl).toBeGreaterThan(expected[i]! - 2500);
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
    expect(await redis.client.exists(keys().user(id)), 'UserStore.update should invalidate (delete) the entry').toBe(0);
    expect((await store.get(id))?.name).toBe('Ada Lovelace');
    expect(reads(), 'the read after the update goes to the database').toBe(2);
  });

  test('deleting a user invalidates the entry: the next read is null', async () => {
    const id = await seedUser(db.prisma, 'Temp');
    const { store } = users();
    await store.get(id);

    await store.delete(id);

    expect(await store.get(id), 'a deleted user must not be served from the cache').toBeNull();
  });

  test('updating a video writes through: the next read is a hit with the new title', async () => {
    const id = await seedVideo(db.prisma, 'draft.mp4');
    const { store, cache, reads } = videos();
    await store.get(id);

    await store.update(id, { title: 'final.mp4' });
    const after = await store.get(id);

    expect(after?.title, 'VideoStore.update should write the new value into the cache').toBe('final.mp4');
    expect(reads(), 'write-through: no database read after the update').toBe(1);
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1 });
    expect(await redis.client.pTTL(keys().video(id)), 'a written-through value has a TTL too').toBeGreaterThan(0);
  });
});

describe('negative caching', () => {
  test('a missing row is cached as "not found" for the short negative TTL', async () => {
    const missing = 2_000_000_000;
    const { store, cache, reads } = users({ negativeTtlSeconds: 5 });

    expect(await store.get(missing)).toBeNull();
    expect(await store.get(missing)).toBeNull();

    expect(reads(), 'the second lookup of a missing user is answered by the cache').toBe(1);
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1 });
    const ttl = await redis.client.pTTL(keys().user(missing));
    expect(ttl, 'a "not found" expires after negativeTtlSeconds (5 s), not the full TTL').toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(5000);
  });
});
