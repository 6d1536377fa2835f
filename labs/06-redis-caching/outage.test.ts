import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { useDatabase, useRedis } from '../../tools/testing/test-env.ts';
import { TcpProxy } from '../../tools/testing/tcp-proxy.ts';
import { waitFor, withDeadline } from '../../tools/testing/wait.ts';
import type { RedisClient } from '../../solutions/05-redis-structures/index.ts';
import { Cache } from './cache.ts';
import { cacheClientOptions } from './client-options.ts';
import { cacheKeys } from './keys.ts';
import { CachedUser } from './records.ts';
import { prismaUserSource } from './sources.ts';
import { UserStore } from './user-store.ts';
import { counted, recordingLogger, seedUser } from './fixtures.ts';

const db = useDatabase();
const redis = useRedis();
const keys = () => cacheKeys(redis.prefix);

// The cache reaches the shared Redis through a proxy this file owns: cutting or freezing the proxy
// makes Redis look down or hung to this cache, and to nobody else.
let proxy: TcpProxy;
let client: RedisClient;
beforeAll(async () => {
  proxy = await TcpProxy.start(redis.url);
  client = createClient(cacheClientOptions(proxy.url, { maxReconnectDelayMs: 100 })) as RedisClient;
  client.on('error', () => {}); // expected while the proxy is cut; the cache counts what it sees
  await client.connect();
});
afterAll(async () => {
  client.destroy();
  await proxy.close();
});

const opened: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  proxy.thaw();
  await proxy.restore();
  await Promise.all(opened.splice(0).map((c) => c.close()));
});

function users(redisTimeoutMs: number) {
  const reading = counted(prismaUserSource(db.prisma));
  const cache = new Cache(client, { schema: CachedUser, redisTimeoutMs, logger: recordingLogger().logger });
  opened.push(cache);
  return { store: new UserStore(cache, keys(), reading.source), cache };
}

const nameInDatabase = async (id: number) => (await db.prisma.user.findUniqueOrThrow({ where: { id } })).name;

describe('Redis outage', () => {
  test('while Redis is down, reads and writes go to the database at once; nothing written is lost when it returns', async () => {
    const id = await seedUser(db.prisma, 'Ada');
    const { store, cache } = users(200);
    await store.get(id);
    expect((await store.get(id))?.name, 'cached before the outage').toBe('Ada');

    await proxy.cut();
    await waitFor(() => !client.isReady, { message: '(setup) the client should notice that Redis is gone' });
    const during = await withDeadline(store.get(id), 3000, 'a read while Redis is down must fall back to the database, not hang');
    await withDeadline(store.update(id, { name: 'Grace' }), 3000, 'an update while Redis is down must still complete');
    const afterUpdate = await withDeadline(store.get(id), 3000, 'a read while Redis is down must not hang');

    expect(during?.name, 'served from the database').toBe('Ada');
    expect(await nameInDatabase(id), 'the update reached the database').toBe('Grace');
    expect(afterUpdate?.name).toBe('Grace');
    expect(await redis.client.get(keys().user(id)), '(setup) Redis still holds the entry from before the outage').toContain('Ada');

    await proxy.restore();
    await waitFor(() => client.isReady, { message: 'the client should reconnect by itself (reconnectStrategy)' });
    const back = await store.get(id);
    const again = await store.get(id);

    expect(back?.name, 'after Redis returns, the entry the failed invalidation left behind must not be served: delete it first').toBe('Grace');
    expect(again?.name).toBe('Grace');
    expect(cache.stats(), 'two hits (before, and after the outage), two misses, two fallbacks, three failed Redis operations').toMatchObject({
      hits: 2,
      misses: 2,
      fallbacks: 2,
      loads: 4,
      errors: 3,
    });
  });

  test('a hung Redis (connected, silent) costs at most redisTimeoutMs per operation', async () => {
    const id = await seedUser(db.prisma, 'Ada');
    const { store, cache } = users(100);
    await store.get(id);

    proxy.freeze();
    const during = await withDeadline(store.get(id), 3000, 'a read against a hung Redis must give up after redisTimeoutMs (100 ms)');
    await withDeadline(store.update(id, { name: 'Grace' }), 3000, 'an update against a hung Redis must give up waiting for it');
    proxy.thaw();

    expect(during?.name).toBe('Ada');
    expect(await nameInDatabase(id)).toBe('Grace');
    expect((await store.get(id))?.name, 'after Redis answers again, the new name is served').toBe('Grace');
    expect(cache.stats()).toMatchObject({ fallbacks: 1, errors: 2 });
  });
});
