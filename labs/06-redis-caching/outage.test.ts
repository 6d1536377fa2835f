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
import { say } from '../../tools/testing/say.ts';

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
    expect((await store.get(id))?.name, say({ en: 'cached before the outage', ko: '장애 전에 캐시됨' })).toBe('Ada');

    await proxy.cut();
    await waitFor(() => !client.isReady, { message: say({ en: '(setup) the client should notice that Redis is gone', ko: '(준비) 클라이언트가 Redis가 사라진 것을 알아채야 합니다' }) });
    const during = await withDeadline(store.get(id), 3000, say({ en: 'a read while Redis is down must fall back to the database, not hang', ko: 'Redis가 죽어 있는 동안의 읽기는 멈추지 말고 데이터베이스로 대체해야 합니다' }));
    await withDeadline(store.update(id, { name: 'Grace' }), 3000, say({ en: 'an update while Redis is down must still complete', ko: 'Redis가 죽어 있어도 수정은 끝나야 합니다' }));
    const afterUpdate = await withDeadline(store.get(id), 3000, say({ en: 'a read while Redis is down must not hang', ko: 'Redis가 죽어 있는 동안의 읽기가 멈추면 안 됩니다' }));

    expect(during?.name, say({ en: 'served from the database', ko: '데이터베이스에서 나온 값' })).toBe('Ada');
    expect(await nameInDatabase(id), say({ en: 'the update reached the database', ko: '수정이 데이터베이스에 반영되어야 합니다' })).toBe('Grace');
    expect(afterUpdate?.name).toBe('Grace');
    expect(await redis.client.get(keys().user(id)), say({ en: '(setup) Redis still holds the entry from before the outage', ko: '(준비) Redis에는 장애 전의 항목이 아직 있습니다' })).toContain('Ada');

    await proxy.restore();
    await waitFor(() => client.isReady, { message: say({ en: 'the client should reconnect by itself (reconnectStrategy)', ko: '클라이언트는 스스로 다시 연결해야 합니다(reconnectStrategy)' }) });
    const back = await store.get(id);
    const again = await store.get(id);

    expect(back?.name, say({ en: 'after Redis returns, the entry the failed invalidation left behind must not be served: delete it first', ko: 'Redis가 돌아온 뒤, 실패한 무효화가 남긴 항목이 나오면 안 됩니다: 먼저 지우세요' })).toBe('Grace');
    expect(again?.name).toBe('Grace');
    expect(cache.stats(), say({ en: 'two hits (before, and after the outage), two misses, two fallbacks, three failed Redis operations', ko: 'hit 둘(장애 전과 후), miss 둘, 대체 둘, 실패한 Redis 작업 셋' })).toMatchObject({
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
    const during = await withDeadline(store.get(id), 3000, say({ en: 'a read against a hung Redis must give up after redisTimeoutMs (100 ms)', ko: '멈춘 Redis에 대한 읽기는 redisTimeoutMs(100 ms) 뒤에 포기해야 합니다' }));
    await withDeadline(store.update(id, { name: 'Grace' }), 3000, say({ en: 'an update against a hung Redis must give up waiting for it', ko: '멈춘 Redis에 대한 수정은 기다리기를 포기해야 합니다' }));
    proxy.thaw();

    expect(during?.name).toBe('Ada');
    expect(await nameInDatabase(id)).toBe('Grace');
    expect((await store.get(id))?.name, say({ en: 'after Redis answers again, the new name is served', ko: 'Redis가 다시 답하면 새 이름이 나와야 합니다' })).toBe('Grace');
    expect(cache.stats()).toMatchObject({ fallbacks: 1, errors: 2 });
  });
});
