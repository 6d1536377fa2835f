import { createClient } from 'redis';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { useRedis } from '../testing/test-env.ts';
import { TcpProxy } from './tcp-proxy.ts';
import { waitFor, withDeadline } from './wait.ts';
import { rejected } from './settled.ts';

const redis = useRedis();
let proxy: TcpProxy;
let client: ReturnType<typeof createClient>;

beforeAll(async () => {
  proxy = await TcpProxy.start(redis.url);
  client = createClient({ url: proxy.url, disableOfflineQueue: true, socket: { reconnectStrategy: 20 } });
  client.on('error', () => {});
  await client.connect();
});

afterAll(async () => {
  client.destroy();
  await proxy.close();
  await proxy.close(); // idempotent
});

test('TcpProxy forwards, cuts, restores, freezes and thaws', async () => {
  const key = redis.key('proxy');

  await client.set(key, 'through the proxy');
  expect(await redis.client.get(key)).toBe('through the proxy');
  expect(proxy.connections).toBe(1);

  await proxy.cut();
  await waitFor(() => !client.isReady, { message: 'the client should notice the cut connection' });
  (await rejected(client.get(key))).toBeInstanceOf(Error);

  await proxy.restore();
  await waitFor(() => client.isReady, { message: 'the client should reconnect after restore()' });
  expect(await client.get(key)).toBe('through the proxy');

  proxy.freeze();
  const reply = client.get(key);
  (await rejected(withDeadline(reply, 150, 'frozen'))).toHaveProperty('message', expect.stringMatching(/frozen/));
  proxy.thaw();
  expect(await withDeadline(reply, 2000, 'held bytes should be delivered on thaw()')).toBe('through the proxy');
});
