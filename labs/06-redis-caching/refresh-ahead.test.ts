import { afterEach, describe, expect, onTestFinished, test } from 'vitest';
import { useDatabase, useRedis } from '../../tools/testing/test-env.ts';
import { waitFor, withDeadline } from '../../tools/testing/wait.ts';
import { Cache } from './cache.ts';
import { cacheKeys } from './keys.ts';
import { CachedUser } from './records.ts';
import { prismaUserSource } from './sources.ts';
import { UserStore } from './user-store.ts';
import { counted, gate, recordingLogger, seedUser } from './fixtures.ts';
import { say } from '../../tools/testing/say.ts';

const db = useDatabase();
const redis = useRedis();
const keys = () => cacheKeys(redis.prefix);

const opened: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((c) => c.close()));
});

/**
 * A user store with a 60 s TTL that refreshes in the last 20 % (12 s), on a clock the test moves:
 * the entry says when it expires (by options.now), so the test ages it by moving the clock.
 */
function users(before?: (call: number) => Promise<void> | void) {
  const reading = counted(prismaUserSource(db.prisma), before);
  const log = recordingLogger();
  let nowMs = Date.now();
  const clock = {
    now: () => nowMs,
    advance(ms: number) {
      nowMs += ms;
    },
  };
  const cache = new Cache(redis.client, { schema: CachedUser, ttlSeconds: 60, jitter: 0, refreshBelow: 0.2, logger: log.logger, now: clock.now });
  opened.push(cache);
  return { store: new UserStore(cache, keys(), reading.source), cache, reads: reading.reads, log, clock };
}

/** A cached user whose entry has `leftMs` to live by the cache's clock, renamed in the database behind the cache's back. */
async function nearlyExpired(store: UserStore, clock: { advance(ms: number): void }, leftMs: number) {
  const id = await seedUser(db.prisma, 'Ada');
  await store.get(id);
  await db.prisma.user.update({ where: { id }, data: { name: 'Ada Lovelace' } });
  clock.advance(60_000 - leftMs);
  return id;
}

const refreshed = (id: number) =>
  waitFor(async () => (await redis.client.get(keys().user(id)))?.includes('"Ada Lovelace"'), {
    message: say({ en: 'the background refresh should rewrite the entry with the renamed user', ko: '백그라운드 리프레시는 이름이 바뀐 사용자로 항목을 다시 써야 합니다' }),
  });

const hitMessage = say({
  en: "the entry has 5 s left of 60 s by the cache's clock (options.now): a hit should read the entry's expiresAt against options.now() and refresh in the background",
  ko: '캐시의 시계(options.now)로는 항목이 60초 중 5초 남았습니다: 적중은 항목의 expiresAt을 options.now()와 비교해 백그라운드에서 리프레시해야 합니다',
});

describe('refresh-ahead', () => {
  test('a hit with little TTL left is served at once and refreshed in the background', async () => {
    const { store, cache, reads, clock } = users();
    const id = await nearlyExpired(store, clock, 5_000);

    const served = await store.get(id);
    await waitFor(() => cache.stats().refreshes === 1, { message: hitMessage });
    await refreshed(id);

    expect(served?.name, say({ en: 'the request gets the cached value, without waiting for the refresh', ko: '요청은 리프레시를 기다리지 않고 캐시된 값을 받아야 합니다' })).toBe('Ada');
    expect((await store.get(id))?.name, say({ en: 'after the refresh the new name is cached', ko: '리프레시 뒤에는 새 이름이 캐시되어 있어야 합니다' })).toBe('Ada Lovelace');
    expect(reads(), say({ en: 'one load for the miss, one for the refresh', ko: 'miss에 load 하나, 리프레시에 하나' })).toBe(2);
    expect(cache.stats()).toMatchObject({ hits: 2, misses: 1, refreshes: 1, refreshFailures: 0 });
  });

  test('a hit with plenty of TTL left is not refreshed', async () => {
    const { store, cache, reads, clock } = users();
    const id = await nearlyExpired(store, clock, 30_000);

    expect((await store.get(id))?.name).toBe('Ada');

    expect(reads(), say({ en: '30 s left of 60 s is above the 20 % threshold: no refresh', ko: '60초 중 30초 남음은 20 % 임계값보다 위입니다: 리프레시 없음' })).toBe(1);
    expect(cache.stats().refreshes).toBe(0);
  });

  test('at most one refresh per key is in flight, however many hits see the low TTL', async () => {
    const hold = gate();
    const { store, cache, reads, clock } = users(async (call) => {
      if (call === 2) await hold.promise; // the refresh's database read hangs until we open the gate
    });
    onTestFinished(() => hold.open()); // a failed test must not leave the read hanging
    const id = await nearlyExpired(store, clock, 5_000);

    for (let i = 0; i < 5; i++) {
      // A hit never waits for the database; one that does would hang on the gate until the test's timeout.
      const hit = await withDeadline(store.get(id), 2000, say({ en: `hit ${i + 1} should be served from the cache, not wait for the hanging refresh`, ko: `적중 ${i + 1}은(는) 멈춘 리프레시를 기다리지 말고 캐시에서 나와야 합니다` }));
      expect(hit?.name, say({ en: `hit ${i + 1} is served from the cache`, ko: `적중 ${i + 1}은(는) 캐시에서 나옵니다` })).toBe('Ada');
    }
    const whileRefreshing = reads();
    hold.open();
    await refreshed(id);

    expect(whileRefreshing, say({ en: 'five hits during one slow refresh must not start five refreshes', ko: '느린 리프레시 하나가 도는 동안의 적중 다섯 번이 리프레시 다섯 개를 시작하면 안 됩니다' })).toBe(2);
    expect(cache.stats().refreshes).toBe(1);
  });

  test('a failed refresh is logged, the cached value is still served, and a later hit tries again', async () => {
    const { store, cache, log, clock } = users((call) => {
      if (call === 2) throw new Error('database is down');
    });
    const id = await nearlyExpired(store, clock, 5_000);

    expect((await store.get(id))?.name, say({ en: 'a failing refresh must not fail the request', ko: '실패한 리프레시가 요청을 실패시키면 안 됩니다' })).toBe('Ada');
    await waitFor(() => cache.stats().refreshFailures === 1, { message: say({ en: 'the refresh failure should be counted in stats().refreshFailures', ko: '리프레시 실패는 stats().refreshFailures에 세어야 합니다' }) });

    const report = log.messages.find((m) => m.details.key === keys().user(id));
    expect(report, say({ en: 'log the failed refresh through options.logger.warn(message, { key, error })', ko: '실패한 리프레시는 options.logger.warn(message, { key, error })로 로그를 남기세요' })).toBeDefined();
    expect((report!.details.error as Error).message).toBe('database is down');
    expect((await store.get(id))?.name, say({ en: 'still served from the cache', ko: '여전히 캐시에서 나옵니다' })).toBe('Ada');
    await refreshed(id);
    expect((await store.get(id))?.name, say({ en: 'the second refresh succeeded', ko: '두 번째 리프레시는 성공했습니다' })).toBe('Ada Lovelace');
    expect(cache.stats()).toMatchObject({ refreshes: 2, refreshFailures: 1 });
  });
});
