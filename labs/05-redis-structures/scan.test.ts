import { beforeAll, describe, expect, test } from 'vitest';
import { useRedis } from '../../tools/testing/test-env.ts';
import type { RedisClient, RedisContext } from './context.ts';
import { keyspace } from './keys.ts';
import { deleteMatching, findKeys, scanKeys } from './scan.ts';

const redis = useRedis();
const VIDEOS = 250;

/**
 * The test's client, wrapped: KEYS throws (it would block a busy server), and SCAN calls are counted.
 * Everything else goes straight to the real client.
 */
function guarded(client: RedisClient) {
  const calls = { scan: 0 };
  const forbidden = () => {
    throw new Error('🚨 KEYS walks the whole keyspace in one blocking command: use SCAN (client.scanIterator) in scan.ts');
  };
  const proxy: RedisClient = new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === 'keys' || prop === 'KEYS') return forbidden;
      if (prop === 'scan' || prop === 'SCAN') {
        return (...args: Parameters<RedisClient['scan']>) => {
          calls.scan++;
          return target.scan(...args);
        };
      }
      if (prop === 'sendCommand') {
        return (args: string[], ...rest: unknown[]) => {
          if (String(args[0]).toUpperCase() === 'KEYS') forbidden();
          return (target.sendCommand as (...a: unknown[]) => unknown)(args, ...rest);
        };
      }
      if (prop === 'scanIterator') return target.scanIterator.bind(receiver);
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { client: proxy, calls };
}

/** Built by hand (not with keys.ts) so the setup works before keys.ts does. */
function videoKeys(namespace: string, n: number) {
  return Array.from({ length: n }, (_, i) => `${namespace}video:${i + 1}`).sort();
}

describe('SCAN instead of KEYS', () => {
  const ns = () => `${redis.prefix}scan:`;

  beforeAll(async () => {
    const values: Record<string, string> = {};
    for (const key of videoKeys(ns(), VIDEOS)) values[key] = '{}';
    for (let i = 0; i < 20; i++) values[`${ns()}session:s${i}`] = String(i);
    await redis.client.mSet(values);
  });

  test('finds exactly the matching keys, once each, sorted', async () => {
    const ctx: RedisContext = { client: redis.client, keys: keyspace(ns()) };

    const found = await findKeys(ctx, 'video:*', { count: 50 });

    expect(found.length, `findKeys(ctx, "video:*") should find the ${VIDEOS} video keys and no session keys`).toBe(VIDEOS);
    expect(found, 'sorted, each key once').toEqual(videoKeys(ns(), VIDEOS));
  });

  test('walks the keyspace a page at a time with SCAN, never KEYS', async () => {
    const { client, calls } = guarded(redis.client);

    const found = await findKeys({ client, keys: keyspace(ns()) }, 'video:*', { count: 50 });

    expect(found.length).toBe(VIDEOS);
    expect(calls.scan, `with COUNT 50 and ${VIDEOS}+ keys, SCAN should be called more than once (one call per page)`).toBeGreaterThan(1);
  });

  test('stops fetching pages when the caller stops iterating', async () => {
    const whole = guarded(redis.client);
    const early = guarded(redis.client);
    let all = 0;
    let seen = 0;

    for await (const _ of scanKeys({ client: whole.client, keys: keyspace(ns()) }, 'video:*', { count: 10 })) all++;
    for await (const _ of scanKeys({ client: early.client, keys: keyspace(ns()) }, 'video:*', { count: 10 })) {
      if (++seen === 3) break;
    }

    expect(all, 'scanKeys should yield single keys, not pages of keys').toBe(VIDEOS);
    expect(early.calls.scan, 'scanKeys should be lazy: breaking after 3 keys must not walk the whole keyspace').toBeLessThan(
      whole.calls.scan,
    );
  });

  test('a namespace with glob characters matches only itself', async () => {
    const odd = `${redis.prefix}odd[ns]?:`;
    const literal = videoKeys(odd, 3);
    // An unescaped `odd[ns]?:video:*` would match these instead: [ns] is one of n/s, ? is any char.
    const decoys = [`${redis.prefix}oddnx:video:1`, `${redis.prefix}oddsy:video:2`];
    await redis.client.mSet(Object.fromEntries([...literal, ...decoys].map((k) => [k, '{}'])));

    const found = await findKeys({ client: redis.client, keys: keyspace(odd) }, 'video:*');

    expect(found, 'escape the namespace with keys.match() before you SCAN').toEqual(literal);
  });

  test('deletes every matching key a page at a time and counts them', async () => {
    const ns = `${redis.prefix}purge:`;
    await redis.client.mSet(Object.fromEntries(videoKeys(ns, 120).map((k) => [k, '{}'])));
    await redis.client.set(`${ns}session:keep`, '1');
    const ctx: RedisContext = { client: redis.client, keys: keyspace(ns) };

    const deleted = await deleteMatching(ctx, 'video:*', { count: 25 });

    expect(deleted, 'deleteMatching returns how many keys it deleted').toBe(120);
    expect(await findKeys(ctx, 'video:*')).toEqual([]);
    expect(await redis.client.get(`${ns}session:keep`), 'keys that do not match stay').toBe('1');
  });
});
