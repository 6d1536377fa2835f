import { beforeAll, describe, expect, test } from 'vitest';
import { useRedis } from '../../tools/testing/test-env.ts';
import type { RedisClient, RedisContext } from './context.ts';
import { keyspace } from './keys.ts';
import { deleteMatching, findKeys, scanKeys } from './scan.ts';
import { say } from '../../tools/testing/say.ts';

const redis = useRedis();
const VIDEOS = 250;

/**
 * The test's client, wrapped: KEYS throws (it would block a busy server), and SCAN calls are counted.
 * Everything else goes straight to the real client.
 */
function guarded(client: RedisClient) {
  const calls = { scan: 0 };
  const forbidden = () => {
    throw new Error(say({ en: '🚨 KEYS walks the whole keyspace in one blocking command: use SCAN (client.scanIterator) in scan.ts', ko: '🚨 KEYS는 블로킹 명령 하나로 키 공간 전체를 훑습니다: scan.ts에서 SCAN(client.scanIterator)을 쓰세요' }));
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

    expect(found.length, say({ en: `findKeys(ctx, "video:*") should find the ${VIDEOS} video keys and no session keys`, ko: `findKeys(ctx, "video:*")는 video 키 ${VIDEOS}개를 찾고 session 키는 찾지 않아야 합니다` })).toBe(VIDEOS);
    expect(found, say({ en: 'sorted, each key once', ko: '정렬되어 있고, 키마다 한 번씩이어야 합니다' })).toEqual(videoKeys(ns(), VIDEOS));
  });

  test('walks the keyspace a page at a time with SCAN, never KEYS', async () => {
    const { client, calls } = guarded(redis.client);

    const found = await findKeys({ client, keys: keyspace(ns()) }, 'video:*', { count: 50 });

    expect(found.length).toBe(VIDEOS);
    expect(calls.scan, say({ en: `with COUNT 50 and ${VIDEOS}+ keys, SCAN should be called more than once (one call per page)`, ko: `COUNT 50에 키가 ${VIDEOS}개 넘으면 SCAN은 여러 번 불려야 합니다(페이지마다 한 번)` })).toBeGreaterThan(1);
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

    expect(all, say({ en: 'scanKeys should yield single keys, not pages of keys', ko: 'scanKeys는 키 페이지가 아니라 키를 하나씩 내보내야 합니다' })).toBe(VIDEOS);
    expect(early.calls.scan, say({ en: 'scanKeys should be lazy: breaking after 3 keys must not walk the whole keyspace', ko: 'scanKeys는 게을러야 합니다: 키 3개 뒤에 break하면 키 공간 전체를 훑지 않아야 합니다' })).toBeLessThan(
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

    expect(found, say({ en: 'escape the namespace with keys.match() before you SCAN', ko: 'SCAN하기 전에 keys.match()로 네임스페이스를 이스케이프하세요' })).toEqual(literal);
  });

  test('deletes every matching key a page at a time and counts them', async () => {
    const ns = `${redis.prefix}purge:`;
    await redis.client.mSet(Object.fromEntries(videoKeys(ns, 120).map((k) => [k, '{}'])));
    await redis.client.set(`${ns}session:keep`, '1');
    const ctx: RedisContext = { client: redis.client, keys: keyspace(ns) };

    const deleted = await deleteMatching(ctx, 'video:*', { count: 25 });

    expect(deleted, say({ en: 'deleteMatching returns how many keys it deleted', ko: 'deleteMatching은 지운 키의 개수를 돌려줘야 합니다' })).toBe(120);
    expect(await findKeys(ctx, 'video:*')).toEqual([]);
    expect(await redis.client.get(`${ns}session:keep`), say({ en: 'keys that do not match stay', ko: '패턴에 맞지 않는 키는 남아 있어야 합니다' })).toBe('1');
  });
});
