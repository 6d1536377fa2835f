// The pieces behind live progress, one at a time: the notifier (lab 10's relay, the owner's user
// stream) and lab 07's server attached to someone else's HTTP server. The worker and the queue are
// lab 09's (labs/09-video-progress/*.test.ts); the whole path, upload to 100 %, is in jobs.test.ts,
// and across two app processes in instances.test.ts.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RedisClientType } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession } from '../../../labs/07-websocket-server/test-kit.ts';
import { connect, handshakeStatus, type TestClient } from '../../../tools/testing/ws-client.ts';
import { startChatServer } from '../../07-websocket-server/index.ts';
import { startClusterNode, userStream, type ClusterNode } from '../../10-pubsub-scaling/index.ts';
import { parseNotification, relayNotifier, type JobProgressNotification } from '../index.ts';
import { useDatabase, useRedis } from '../../../tools/testing/test-env.ts';

const db = useDatabase();
const redis = useRedis();

describe('relayNotifier', () => {
  let node: ClusterNode;
  let subscriber: RedisClientType;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    subscriber = redis.client.duplicate();
    subscriber.on('error', () => {});
    await subscriber.connect();
    node = await startClusterNode({ prisma: db.prisma, redis: redis.client, subscriber, keyPrefix: redis.prefix });
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await node?.close();
    subscriber?.destroy();
  });

  /** A socket subscribed to its user's stream, as the dashboard's is. */
  async function tab(session: { token: string; userId: number }): Promise<TestClient> {
    const client = await connect(node.chat.wsUrl, { token: session.token });
    clients.push(client);
    client.send({ type: 'subscribe', stream: userStream(session.userId), id: 's' });
    await client.nextOf('subscribed', `the answer to subscribe ${userStream(session.userId)}`);
    return client;
  }

  /** Everything `client` received before the answer to a ping (one TCP stream keeps the order). */
  async function receivedBeforePong(client: TestClient): Promise<Array<{ type: string }>> {
    client.send({ type: 'ping', id: 'barrier' });
    const seen: Array<{ type: string }> = [];
    for (let m = await client.next<{ type: string }>('the pong'); m.type !== 'pong'; m = await client.next('the pong')) seen.push(m);
    return seen;
  }

  it('publishes every update, the last one included, to every tab of the owner, in order, and to nobody else', async () => {
    const owner = await createSession(db.prisma);
    const stranger = await createSession(db.prisma);
    const tabs = [await tab(owner), await tab(owner)];
    const other = await tab(stranger);
    const errors: unknown[] = [];
    const notifier = relayNotifier(node.bus, (error) => void errors.push(error));

    const sent: JobProgressNotification[] = [];
    for (let p = 10; p <= 100; p += 10) {
      const update: JobProgressNotification = { type: 'job.progress', jobId: 7, status: p === 100 ? 'completed' : 'processing', progress: p, version: p / 10 };
      sent.push(update);
      notifier.notify(owner.userId, update);
    }
    notifier.notify(owner.userId + 1_000_000, { type: 'job.progress', jobId: 8, status: 'processing', progress: 5, version: 1 }); // nobody connected: no error
    await notifier.close();
    // The publishes are fire and forget: read each tab up to the completed update, then up to a pong.
    type Received = { type: string; name: string; data: unknown; pos?: { stream: string } };
    for (const [i, t] of tabs.entries()) {
      const received: Received[] = [];
      for (let m = await t.next<Received>('the updates', 10_000); ; m = await t.next<Received>('the updates', 10_000)) {
        received.push(m);
        if ((m.data as { status?: string } | undefined)?.status === 'completed') break;
      }
      received.push(...((await receivedBeforePong(t)) as Received[]));
      expect(received.every((m) => m.type === 'event' && m.pos?.stream === userStream(owner.userId)), `tab ${i + 1} should receive only events of its user stream, each with its position`).toBe(true);
      expect(received.map((m) => parseNotification(m)), `tab ${i + 1}`).toEqual(sent);
    }
    expect(await receivedBeforePong(other), 'the stranger must receive no progress at all').toEqual([]);
    expect(errors, 'Redis took every update').toEqual([]);
  });
});

describe('ChatServer attached to an HTTP server it does not own', () => {
  it('serves /ws on that server, and close() takes only its own listener and sockets away', async () => {
    const owner = http.createServer((_req, res) => res.end('still here'));
    await new Promise<void>((resolve) => owner.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(owner.address() as AddressInfo).port}`;
    const chat = await startChatServer({ server: owner, path: '/ws', prisma: db.prisma, redis: redis.client, keyPrefix: redis.prefix });
    const session = await createSession(db.prisma);
    try {
      const client = await connect(chat.wsUrl, { token: session.token });

      expect(chat.wsUrl, 'wsUrl names the owner\'s port').toBe(`${base.replace(/^http/, 'ws')}/ws`);
      expect(await handshakeStatus(`${base.replace(/^http/, 'ws')}/chat`, { token: session.token }), 'another path is refused').toBe(404);
      const [closed] = await Promise.all([client.waitClosed('the chat server to close the socket'), chat.close()]);

      expect(closed.code).toBe(1001);
      expect(owner.listenerCount('upgrade'), 'close() removes its upgrade listener').toBe(0);
      expect(await (await fetch(base)).text(), 'the owner\'s server keeps serving').toBe('still here');
    } finally {
      await chat.close();
      owner.closeAllConnections();
      await new Promise((resolve) => owner.close(resolve));
    }
  });
});
