import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { useDatabase, useRedis } from '../../tools/testing/test-env.ts';
import { waitFor } from '../../tools/testing/wait.ts';
import type { RedisClient } from '../../solutions/05-redis-structures/index.ts';
import { Cache } from './cache.ts';
import { cacheKeys, lockKeyFor } from './keys.ts';
import { CachedUser, CachedVideo } from './records.ts';
import { prismaUserSource, prismaVideoSource, type VideoSource } from './sources.ts';
import { UserStore } from './user-store.ts';
import { VideoStore } from './video-store.ts';
import { counted, gate, recordingLogger, seedUser, seedVideo } from './fixtures.ts';
import { say } from '../../tools/testing/say.ts';

const db = useDatabase();
const redis = useRedis();
const keys = () => cacheKeys(redis.prefix);

// The second cache instance stands for another server process: a client (a connection) of its own.
let other: RedisClient;
beforeAll(async () => {
  other = redis.client.duplicate();
  other.on('error', () => {});
  await other.connect();
});
afterAll(() => other.destroy());

const opened: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((c) => c.close()));
});

function videoStore(client: RedisClient, source: VideoSource) {
  // A long lock wait, so a slow machine can't turn "B waits for A" into "B gave up and loaded too".
  const cache = new Cache(client, { schema: CachedVideo, lockTtlMs: 10_000, logger: recordingLogger().logger });
  opened.push(cache);
  return { store: new VideoStore(cache, keys(), source), cache };
}

describe('stampede protection', () => {
  test('100 concurrent reads of a missing key in one process cause exactly one database read', async () => {
    const id = await seedVideo(db.prisma, 'popular.mp4');
    const hold = gate();
    const reading = counted(prismaVideoSource(db.prisma), () => hold.promise);
    const { store, cache } = videoStore(redis.client, reading.source);

    const requests = Array.from({ length: 100 }, () => store.get(id));
    await waitFor(() => reading.reads() >= 1, { message: say({ en: 'one request should reach the database', ko: '요청 하나가 데이터베이스에 닿아야 합니다' }) });
    hold.open();
    const results = await Promise.all(requests);

    expect(reading.reads(), say({ en: '100 concurrent misses must become one database read', ko: '동시에 일어난 miss 100개는 데이터베이스 읽기 하나가 되어야 합니다' })).toBe(1);
    expect(new Set(results.map((v) => v?.title)), say({ en: 'every request gets the video', ko: '모든 요청이 영상을 받아야 합니다' })).toEqual(new Set(['popular.mp4']));
    expect(cache.stats(), say({ en: 'every request counts as a miss; one load', ko: '모든 요청은 miss로 세고, load는 하나' })).toMatchObject({ misses: 100, hits: 0, loads: 1 });
    expect(cache.stats().lockWaits, say({ en: 'callers in one process should share one lookup (single-flight), not queue on the Redis lock', ko: '한 프로세스 안의 호출자들은 Redis 잠금에 줄 서지 말고 조회 하나를 나눠 써야 합니다(single-flight)' })).toBe(0);
  });

  test('two cache instances with their own clients rebuild a missing key once (Redis lock)', async () => {
    const id = await seedVideo(db.prisma, 'shared.mp4');
    const hold = gate();
    const reading = counted(prismaVideoSource(db.prisma), () => hold.promise);
    const a = videoStore(redis.client, reading.source);
    const b = videoStore(other, reading.source);

    const fromA = Array.from({ length: 50 }, () => a.store.get(id));
    await waitFor(() => reading.reads() >= 1, { message: say({ en: 'instance A should start loading the video', ko: '인스턴스 A가 영상을 읽기 시작해야 합니다' }) });
    const fromB = Array.from({ length: 50 }, () => b.store.get(id));
    await waitFor(() => reading.reads() > 1 || b.cache.stats().lockWaits > 0, {
      message: say({ en: 'instance B should either wait for the rebuild lock (stats().lockWaits) or read the database', ko: '인스턴스 B는 재구성 잠금을 기다리거나(stats().lockWaits) 데이터베이스를 읽어야 합니다' }),
    });
    hold.open();
    const results = await Promise.all([...fromA, ...fromB]);

    expect(reading.reads(), say({ en: 'B must wait for A (SET NX PX lock) instead of reading the database too', ko: 'B는 데이터베이스를 함께 읽지 말고 A를 기다려야 합니다(SET NX PX 잠금)' })).toBe(1);
    expect(results.every((v) => v?.title === 'shared.mp4'), say({ en: 'every request on both instances should get the video', ko: '두 인스턴스의 모든 요청이 영상을 받아야 합니다' })).toBe(true);
    expect(b.cache.stats(), say({ en: "B served its 50 requests from A's rebuild after one wait", ko: 'B는 한 번 기다린 뒤 A가 재구성한 값으로 요청 50개에 답했습니다' })).toMatchObject({ misses: 50, lockWaits: 1, loads: 0 });
    expect(await redis.client.exists(lockKeyFor(keys().video(id))), say({ en: 'the rebuild lock is released afterwards', ko: '재구성 잠금은 끝나면 풀려야 합니다' })).toBe(0);
  });

  test('a rebuild that fails fails its waiting requests, releases the lock, and the next read tries again', async () => {
    const id = await seedVideo(db.prisma, 'flaky.mp4');
    const reading = counted(prismaVideoSource(db.prisma), (call) => {
      if (call === 1) throw new Error('database is down');
    });
    const { store } = videoStore(redis.client, reading.source);

    const results = await Promise.allSettled(Array.from({ length: 10 }, () => store.get(id)));

    expect(results.every((r) => r.status === 'rejected'), say({ en: 'the error reaches every request that shared the load', ko: '오류는 load를 나눈 모든 요청에 전달되어야 합니다' })).toBe(true);
    expect(await redis.client.exists(lockKeyFor(keys().video(id))), say({ en: 'release the lock in a finally block', ko: '잠금은 finally 블록에서 푸세요' })).toBe(0);
    expect((await store.get(id))?.title, say({ en: 'the failure is not cached: the next read loads again', ko: '실패는 캐시되지 않습니다: 다음 읽기는 다시 load해야 합니다' })).toBe('flaky.mp4');
    expect(reading.reads()).toBe(2);
  });

  // The race every cache-aside cache has: a read misses and loads the row, an update commits and
  // deletes the entry, THEN the read stores the row it loaded (the old one) for a whole TTL.
  // The loader below reads the row, then waits for the test to let it return.
  function heldAfterLoading<T, U>(source: { findById(id: number): Promise<T | null> } & U) {
    const loaded = gate();
    const release = gate();
    const wrapped = {
      ...source,
      async findById(id: number) {
        const row = await source.findById(id);
        loaded.open();
        await release.promise;
        return row;
      },
    };
    return { source: wrapped, loaded: loaded.promise, release: release.open };
  }

  test('a read that loaded the old row before an update (invalidate) cannot store it after the update', async () => {
    const id = await seedUser(db.prisma, 'Ada');
    const held = heldAfterLoading(prismaUserSource(db.prisma));
    const cache = new Cache(redis.client, { schema: CachedUser, lockTtlMs: 10_000, logger: recordingLogger().logger });
    opened.push(cache);
    const reader = new UserStore(cache, keys(), held.source);
    const writer = new UserStore(cache, keys(), prismaUserSource(db.prisma));

    const read = reader.get(id);
    await held.loaded; // the read has the old row in hand
    await writer.update(id, { name: 'Grace' }); // commits, then invalidates
    held.release();
    expect((await read)?.name, say({ en: 'the read that started first may return the old name', ko: '먼저 시작한 읽기는 옛 이름을 돌려줘도 됩니다' })).toBe('Ada');

    expect(
      (await writer.get(id))?.name,
      say({ en: 'the old row was stored after the update: invalidate() must delete the lock too (it is the lease of the read in flight), and the read must store its row only while it still holds that lock (setIfLockHeld)', ko: '수정 뒤에 옛 행이 저장되었습니다: invalidate()는 잠금도 지워야 하고(진행 중인 읽기의 리스입니다), 읽기는 그 잠금을 아직 쥐고 있을 때만 행을 저장해야 합니다(setIfLockHeld)' }),
    ).toBe('Grace');
  });

  test('a read that loaded the old row before an update (write-through) cannot overwrite the new value', async () => {
    const id = await seedVideo(db.prisma, 'draft.mp4');
    const held = heldAfterLoading(prismaVideoSource(db.prisma));
    const cache = new Cache(redis.client, { schema: CachedVideo, lockTtlMs: 10_000, logger: recordingLogger().logger });
    opened.push(cache);
    const reader = new VideoStore(cache, keys(), held.source);
    const writer = new VideoStore(cache, keys(), prismaVideoSource(db.prisma));

    const read = reader.get(id);
    await held.loaded;
    await writer.update(id, { title: 'final.mp4' }); // commits, then writes the new value through
    held.release();
    await read;

    expect(
      (await writer.get(id))?.title,
      say({ en: 'the old row overwrote the written-through value: set() must delete the lock in the same MULTI as it writes, and a load stores its row only while it holds the lock', ko: '옛 행이 라이트 스루한 값을 덮어썼습니다: set()은 쓰는 MULTI 안에서 잠금을 지워야 하고, load는 잠금을 쥐고 있을 때만 행을 저장합니다' }),
    ).toBe('final.mp4');
  });
});
