import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { useRedis } from '../../tools/testing/test-env.ts';
import { cacheClientOptions } from './client-options.ts';
import { decodeEntry, encodeEntry, entrySchema } from './entry.ts';
import { cacheKeys, lockKeyFor } from './keys.ts';
import { acquireLock, releaseLock } from './redis-lock.ts';
import { SingleFlight } from './single-flight.ts';
import { jitteredTtlMs, shouldRefresh } from './ttl.ts';
import { gate } from './fixtures.ts';
import { say } from '../../tools/testing/say.ts';

const redis = useRedis();

describe('keys, TTLs and entries', () => {
  test('cache keys are namespaced and versioned; a lock sits next to its key', () => {
    const keys = cacheKeys('app:');

    expect(keys.user(7), say({ en: 'keys.user in keys.ts', ko: 'keys.ts의 keys.user' })).toBe('app:cache:v2:user:7');
    expect(keys.video(9), say({ en: 'keys.video in keys.ts', ko: 'keys.ts의 keys.video' })).toBe('app:cache:v2:video:9');
    expect(lockKeyFor(keys.user(7)), say({ en: 'lockKeyFor in keys.ts', ko: 'keys.ts의 lockKeyFor' })).toBe('app:cache:v2:user:7:lock');
    expect(() => cacheKeys('app'), say({ en: 'a namespace must end with ":"', ko: '네임스페이스는 ":"로 끝나야 합니다' })).toThrow(expect.objectContaining({ code: 'INVALID_NAMESPACE' }));
  });

  test('TTL jitter spreads a TTL by up to ± the jitter fraction', () => {
    expect(jitteredTtlMs(60_000, 0.1, () => 0), say({ en: 'jitteredTtlMs in ttl.ts: random() = 0 gives the shortest TTL, 60 s - 10 %', ko: 'ttl.ts의 jitteredTtlMs: random() = 0이면 가장 짧은 TTL, 60초 - 10 %' })).toBe(54_000);
    expect(jitteredTtlMs(60_000, 0.1, () => 0.5), say({ en: 'random() = 0.5 gives the base TTL', ko: 'random() = 0.5면 기본 TTL입니다' })).toBe(60_000);
    expect(jitteredTtlMs(60_000, 0.1, () => 0.75)).toBe(63_000);
    expect(jitteredTtlMs(60_000, 0, () => 0.9), say({ en: 'no jitter, no change', ko: '지터가 없으면 그대로입니다' })).toBe(60_000);
  });

  test('refresh-ahead triggers once less than the threshold is left, and never when it is off', () => {
    expect(shouldRefresh(10_000, 60_000, 0.2), say({ en: 'shouldRefresh in ttl.ts: 10 s left of 60 s, threshold 20 % (12 s)', ko: 'ttl.ts의 shouldRefresh: 60초 중 10초 남음, 임계값 20 %(12초)' })).toBe(true);
    expect(shouldRefresh(13_000, 60_000, 0.2), say({ en: '13 s left: not yet', ko: '13초 남음: 아직 아닙니다' })).toBe(false);
    expect(shouldRefresh(-500, 60_000, 0.2), say({ en: "-500: the entry's expiresAt passed by this server's clock (clocks differ): refresh it", ko: '-500: 이 서버의 시계로는 항목의 expiresAt이 지났습니다(시계는 서로 다릅니다): 리프레시하세요' })).toBe(true);
    expect(shouldRefresh(1_000, 60_000, 0), say({ en: 'refreshBelow 0 turns refresh-ahead off', ko: 'refreshBelow 0이면 리프레시 어헤드를 끕니다' })).toBe(false);
    expect(shouldRefresh(-500, 60_000, 0), say({ en: 'off means off, even for an overdue entry', ko: '끄면 꺼진 것입니다: 기한이 지난 항목도 마찬가지입니다' })).toBe(false);
  });

  test('a "not found" entry cannot be mistaken for a value; a value keeps its types and carries its expiry', () => {
    const Item = z.object({ at: z.coerce.date(), size: z.coerce.bigint() });
    const item = { at: new Date('2026-05-01T00:00:00.000Z'), size: 9007199254740993n };
    const expiresAt = Date.parse('2026-05-01T01:00:00.000Z');
    const corrupt = expect.objectContaining({ code: 'CORRUPT_VALUE' });

    expect(encodeEntry(null, expiresAt), say({ en: 'encodeEntry(null, …) in entry.ts is NOT_FOUND_ENTRY', ko: 'entry.ts의 encodeEntry(null, …)는 NOT_FOUND_ENTRY입니다' })).toBe('{"found":false}');
    expect(encodeEntry(item, expiresAt), say({ en: 'a value entry: found, expiresAt (epoch ms), value', ko: '값 항목: found, expiresAt(epoch ms), value' })).toBe(
      '{"found":true,"expiresAt":1777597200000,"value":{"at":"2026-05-01T00:00:00.000Z","size":"9007199254740993"}}',
    );
    expect(decodeEntry(encodeEntry(item, expiresAt), entrySchema(Item)), say({ en: 'decodeEntry revives the value', ko: 'decodeEntry는 값을 되살려야 합니다' })).toEqual({ found: true, expiresAt, value: item });
    expect(decodeEntry('{"found":false}', entrySchema(Item))).toEqual({ found: false });
    expect(() => decodeEntry('{"found":true,"expiresAt":1777597200000}', entrySchema(Item)), say({ en: 'a value entry without its value is corrupt', ko: '값이 없는 value 항목은 손상된 것입니다' })).toThrow(corrupt);
    expect(() => decodeEntry('{"found":true,"value":{"at":"2026-05-01T00:00:00.000Z","size":"1"}}', entrySchema(Item)), say({ en: 'a value entry without its expiresAt is corrupt', ko: 'expiresAt이 없는 value 항목은 손상된 것입니다' })).toThrow(corrupt);
  });
});

describe('client options', () => {
  test('a cache client fails fast while disconnected and keeps reconnecting with a capped backoff', () => {
    const options = cacheClientOptions('redis://127.0.0.1:6390', { maxReconnectDelayMs: 1000 });
    const retry = options.socket.reconnectStrategy;

    expect(options.url).toBe('redis://127.0.0.1:6390');
    expect(options.disableOfflineQueue, say({ en: 'client-options.ts: queued commands would wait for Redis to return, set disableOfflineQueue', ko: 'client-options.ts: 큐에 쌓인 명령은 Redis가 돌아올 때까지 기다립니다. disableOfflineQueue를 켜세요' })).toBe(true);
    expect(options.socket.connectTimeout, say({ en: 'connectTimeoutMs defaults to 1000', ko: 'connectTimeoutMs의 기본값은 1000입니다' })).toBe(1000);
    expect([0, 1, 2, 3, 4, 5, 50].map((n) => retry(n)), say({ en: 'reconnectStrategy: 50 ms doubling, capped, never false', ko: 'reconnectStrategy: 50 ms에서 두 배씩, 상한 있음, false는 절대 돌려주지 않음' })).toEqual([
      50, 100, 200, 400, 800, 1000, 1000,
    ]);
  });
});

describe('single-flight', () => {
  test('concurrent calls for one key share one execution; the next call starts a new one', async () => {
    const flights = new SingleFlight<string>();
    const hold = gate();
    let runs = 0;
    const work = async () => {
      const run = ++runs;
      await hold.promise;
      return `run ${run}`;
    };

    const shared = Promise.all([flights.do('k', work), flights.do('k', work), flights.do('k', work)]);
    const other = flights.do('other', work);
    other.catch(() => {}); // awaited below; if `shared` fails first, this rejection is not "unhandled"
    hold.open();

    expect(await shared, say({ en: 'SingleFlight.do in single-flight.ts: three callers, one run', ko: 'single-flight.ts의 SingleFlight.do: 호출자 셋, 실행은 한 번' })).toEqual(['run 1', 'run 1', 'run 1']);
    expect(await other, say({ en: 'another key runs on its own', ko: '다른 키는 따로 실행됩니다' })).toBe('run 2');
    expect(flights.size, say({ en: 'nothing in flight once settled', ko: '끝나면 진행 중인 것이 없어야 합니다' })).toBe(0);
    expect(await flights.do('k', work), say({ en: 'a later call runs again', ko: '나중 호출은 다시 실행됩니다' })).toBe('run 3');
  });

  test('a failure reaches every waiting caller and is not remembered', async () => {
    const flights = new SingleFlight<string>();
    let runs = 0;
    const failing = async () => {
      runs++;
      throw new Error('database is down');
    };

    const results = await Promise.allSettled([flights.do('k', failing), flights.do('k', failing)]);

    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(runs, say({ en: 'SingleFlight.do in single-flight.ts: the failing work ran once for both callers', ko: 'single-flight.ts의 SingleFlight.do: 실패하는 작업이 두 호출자에 대해 한 번만 실행되어야 합니다' })).toBe(1);
    expect(await flights.do('k', async () => 'recovered'), say({ en: 'the failed flight must be cleared', ko: '실패한 실행은 지워져야 합니다' })).toBe('recovered');
  });
});

describe('redis lock', () => {
  test('SET NX PX: one holder at a time, and only the holder releases it', async () => {
    const key = redis.key('lock', 'a');

    const token = await acquireLock(redis.client, key, 2000);
    const second = await acquireLock(redis.client, key, 2000);

    expect(token, say({ en: 'acquireLock in redis-lock.ts returns a token when the lock was free', ko: 'redis-lock.ts의 acquireLock은 잠금이 비어 있으면 토큰을 돌려줘야 합니다' })).toEqual(expect.any(String));
    expect(second, say({ en: 'acquireLock returns null while someone holds it', ko: '누군가 잡고 있는 동안 acquireLock은 null을 돌려줘야 합니다' })).toBeNull();
    const ttl = await redis.client.pTTL(key);
    expect(ttl, say({ en: 'the lock expires on its own (PX 2000)', ko: '잠금은 스스로 만료되어야 합니다(PX 2000)' })).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(2000);
    expect(await releaseLock(redis.client, key, 'not-the-token'), say({ en: 'a wrong token must not release the lock', ko: '틀린 토큰으로는 잠금을 풀 수 없어야 합니다' })).toBe(false);
    expect(await redis.client.exists(key)).toBe(1);
    expect(await releaseLock(redis.client, key, token!), say({ en: 'the holder releases it', ko: '잡은 쪽이 풉니다' })).toBe(true);
    expect(await redis.client.exists(key)).toBe(0);
  });
});
