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

const redis = useRedis();

describe('keys, TTLs and entries', () => {
  test('cache keys are namespaced and versioned; a lock sits next to its key', () => {
    const keys = cacheKeys('app:');

    expect(keys.user(7), 'keys.user in keys.ts').toBe('app:cache:v1:user:7');
    expect(keys.video(9), 'keys.video in keys.ts').toBe('app:cache:v1:video:9');
    expect(lockKeyFor(keys.user(7)), 'lockKeyFor in keys.ts').toBe('app:cache:v1:user:7:lock');
    expect(() => cacheKeys('app'), 'a namespace must end with ":"').toThrow(expect.objectContaining({ code: 'INVALID_NAMESPACE' }));
  });

  test('TTL jitter spreads a TTL by up to ± the jitter fraction', () => {
    expect(jitteredTtlMs(60_000, 0.1, () => 0), 'jitteredTtlMs in ttl.ts: random() = 0 gives the shortest TTL, 60 s - 10 %').toBe(54_000);
    expect(jitteredTtlMs(60_000, 0.1, () => 0.5), 'random() = 0.5 gives the base TTL').toBe(60_000);
    expect(jitteredTtlMs(60_000, 0.1, () => 0.75)).toBe(63_000);
    expect(jitteredTtlMs(60_000, 0, () => 0.9), 'no jitter, no change').toBe(60_000);
  });

  test('refresh-ahead triggers only when an expiring entry has less than the threshold left', () => {
    expect(shouldRefresh(10_000, 60_000, 0.2), 'shouldRefresh in ttl.ts: 10 s left of 60 s, threshold 20 % (12 s)').toBe(true);
    expect(shouldRefresh(13_000, 60_000, 0.2), '13 s left: not yet').toBe(false);
    expect(shouldRefresh(-1, 60_000, 0.2), 'PTTL -1: the key never expires').toBe(false);
    expect(shouldRefresh(-2, 60_000, 0.2), 'PTTL -2: the key is gone').toBe(false);
    expect(shouldRefresh(1_000, 60_000, 0), 'refreshBelow 0 turns refresh-ahead off').toBe(false);
  });

  test('a "not found" entry cannot be mistaken for a value, and values keep their types', () => {
    const Item = z.object({ at: z.coerce.date(), size: z.coerce.bigint() });
    const item = { at: new Date('2026-05-01T00:00:00.000Z'), size: 9007199254740993n };

    expect(encodeEntry(null), 'encodeEntry(null) in entry.ts').toBe('{"found":false}');
    expect(encodeEntry(item)).toBe('{"found":true,"value":{"at":"2026-05-01T00:00:00.000Z","size":"9007199254740993"}}');
    expect(decodeEntry(encodeEntry(item), entrySchema(Item)), 'decodeEntry revives the value').toEqual({ found: true, value: item });
    expect(decodeEntry('{"found":false}', entrySchema(Item))).toEqual({ found: false });
    expect(() => decodeEntry('{"found":true}', entrySchema(Item)), 'a value entry without its value is corrupt').toThrow(
      expect.objectContaining({ code: 'CORRUPT_VALUE' }),
    );
  });
});

describe('client options', () => {
  test('a cache client fails fast while disconnected and keeps reconnecting with a capped backoff', () => {
    const options = cacheClientOptions('redis://127.0.0.1:6390', { maxReconnectDelayMs: 1000 });
    const retry = options.socket.reconnectStrategy;

    expect(options.url).toBe('redis://127.0.0.1:6390');
    expect(options.disableOfflineQueue, 'client-options.ts: queued commands would wait for Redis to return, set disableOfflineQueue').toBe(true);
    expect(options.socket.connectTimeout, 'connectTimeoutMs defaults to 1000').toBe(1000);
    expect([0, 1, 2, 3, 4, 5, 50].map((n) => retry(n)), 'reconnectStrategy: 50 ms doubling, capped, never false').toEqual([
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

    expect(await shared, 'SingleFlight.do in single-flight.ts: three callers, one run').toEqual(['run 1', 'run 1', 'run 1']);
    expect(await other, 'another key runs on its own').toBe('run 2');
    expect(flights.size, 'nothing in flight once settled').toBe(0);
    expect(await flights.do('k', work), 'a later call runs again').toBe('run 3');
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
    expect(runs, 'SingleFlight.do in single-flight.ts: the failing work ran once for both callers').toBe(1);
    expect(await flights.do('k', async () => 'recovered'), 'the failed flight must be cleared').toBe('recovered');
  });
});

describe('redis lock', () => {
  test('SET NX PX: one holder at a time, and only the holder releases it', async () => {
    const key = redis.key('lock', 'a');

    const token = await acquireLock(redis.client, key, 2000);
    const second = await acquireLock(redis.client, key, 2000);

    expect(token, 'acquireLock in redis-lock.ts returns a token when the lock was free').toEqual(expect.any(String));
    expect(second, 'acquireLock returns null while someone holds it').toBeNull();
    const ttl = await redis.client.pTTL(key);
    expect(ttl, 'the lock expires on its own (PX 2000)').toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(2000);
    expect(await releaseLock(redis.client, key, 'not-the-token'), 'a wrong token must not release the lock').toBe(false);
    expect(await redis.client.exists(key)).toBe(1);
    expect(await releaseLock(redis.client, key, token!), 'the holder releases it').toBe(true);
    expect(await redis.client.exists(key)).toBe(0);
  });
});
