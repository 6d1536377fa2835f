// The pieces behind live progress, one at a time: the notifier (lab 07's ChatServer.sendToUser)
// and lab 07's server attached to someone else's HTTP server. The worker and the queue are lab 09's
// (labs/09-video-progress/*.test.ts); the whole path, upload to 100 %, is in jobs.test.ts.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession } from '../../../labs/07-websocket-server/test-kit.ts';
import { connect, handshakeStatus, type TestClient } from '../../../tools/testing/ws-client.ts';
import { startChatServer, type ChatServer } from '../../07-websocket-server/index.ts';
import { chatNotifier, parseNotification, type JobProgressNotification } from '../index.ts';
import { useDatabase, useRedis } from '../../../tools/testing/test-env.ts';

const db = useDatabase();
const redis = useRedis();

describe('chatNotifier', () => {
  let server: ChatServer;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    server = await startChatServer({ prisma: db.prisma, redis: redis.client, keyPrefix: redis.prefix });
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await server?.close();
  });

  async function tab(token: string): Promise<TestClient> {
    const client = await connect(server.wsUrl, { token });
    clients.push(client);
    return client;
  }

  /** Everything `client` received before the answer to a ping (one TCP stream keeps the order). */
  async function receivedBeforePong(client: TestClient): Promise<Array<{ type: string }>> {
    client.send({ type: 'ping', id: 'barrier' });
    const seen: Array<{ type: string }> = [];
    for (let m = await client.next<{ type: string }>('the pong'); m.type !== 'pong'; m = await client.next('the pong')) seen.push(m);
    return seen;
  }

  it('pushes every update, the last one included, to every tab of the owner and to nobody else', async () => {
    const owner = await createSession(db.prisma);
    const stranger = await createSession(db.prisma);
    const tabs = [await tab(owner.token), await tab(owner.token)];
    const other = await tab(stranger.token);
    const notifier = chatNotifier(server);

    const sent: JobProgressNotification[] = [];
    for (let p = 10; p <= 100; p += 10) {
      const update: JobProgressNotification = { type: 'job.progress', jobId: 7, status: p === 100 ? 'completed' : 'processing', progress: p, version: p / 10 };
      sent.push(update);
      notifier.notify(owner.userId, update);
    }
    notifier.notify(owner.userId + 1_000_000, { type: 'job.progress', jobId: 8, status: 'processing', progress: 5, version: 1 }); // nobody connected: no error
    await notifier.close();

    for (const [i, t] of tabs.entries()) {
      const received = await receivedBeforePong(t);
      expect(received.every((m) => m.type === 'event'), `tab ${i + 1} should receive only { type: "event" } messages`).toBe(true);
      expect(received.map((m) => parseNotification(m as { type: string; name: string; data: unknown })), `tab ${i + 1}`).toEqual(sent);
    }
    expect(await receivedBeforePong(other), 'the stranger must receive no progress at all').toEqual([]);
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
