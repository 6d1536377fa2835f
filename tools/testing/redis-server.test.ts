// restartableRedis works both ways, so lab 07's "Redis restarting" test runs with or without a
// redis-server binary on PATH.
import { createClient } from 'redis';
import { describe, expect, onTestFinished, test, vi } from 'vitest';
import { restartableRedis } from './redis-server.ts';
import { useRedis } from './test-env.ts';

const redis = useRedis();

describe.each(['redis-server', 'tcp-proxy'] as const)('restartableRedis (%s)', (kind) => {
  test('stop() takes Redis away from a connected client and start() brings it back', async () => {
    const outage = await restartableRedis(redis.url, { kind });
    onTestFinished(outage.close);
    const client = createClient({ url: outage.url, socket: { reconnectStrategy: () => 20 } });
    client.on('error', () => {});
    await client.connect();
    onTestFinished(() => client.destroy());

    await outage.stop();
    await vi.waitFor(() => expect(client.isReady).toBe(false), { timeout: 3000 });
    await outage.start();
    await vi.waitFor(() => expect(client.isReady).toBe(true), { timeout: 3000 });

    expect(outage.kind).toBe(kind);
    expect(await client.ping()).toBe('PONG');
  });
});
