// The pieces behind live progress, one at a time: the simulated runner (timers + PostgreSQL), the
// notifier (lab 07's ChatServer.sendToUser), and lab 07's server attached to someone else's HTTP server.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession } from '../../../labs/07-websocket-server/test-kit.ts';
import { connect, handshakeStatus, type TestClient } from '../../../tools/testing/ws-client.ts';
import { silentLogger, startChatServer, type ChatServer } from '../../07-websocket-server/index.ts';
import {
  chatNotifier,
  JobBusyError,
  parseNotification,
  RunnerClosedError,
  SimulatedJobRunner,
  type JobProgressNotification,
  type ProgressNotifier,
} from '../index.ts';
import { useDatabase, useRedis } from '../../../tools/testing/test-env.ts';
import { waitFor } from '../../../tools/testing/wait.ts';
import { createOtherUser } from './kit.ts';

const db = useDatabase();
const redis = useRedis();

function recordingNotifier() {
  const calls: Array<{ ownerId: number; notification: JobProgressNotification }> = [];
  const notifier: ProgressNotifier = {
    notify: (ownerId, notification) => void calls.push({ ownerId, notification }),
    close: async () => {},
  };
  return { notifier, calls };
}

describe('SimulatedJobRunner', () => {
  it('moves a job from 0 to 100 in PostgreSQL and notifies its owner at every step', async () => {
    const { user, job } = await createOtherUser(db.prisma);
    const { notifier, calls } = recordingNotifier();
    const runner = new SimulatedJobRunner(db.prisma, notifier, silentLogger, { stepMs: 1, stepPercent: 25 });

    await runner.start({ id: job.id, ownerId: user.id });
    await waitFor(() => !runner.isRunning(job.id), { message: 'the simulation never finished' });

    expect(calls.map((c) => [c.ownerId, c.notification.status, c.notification.progress])).toEqual([
      [user.id, 'processing', 0],
      [user.id, 'processing', 25],
      [user.id, 'processing', 50],
      [user.id, 'processing', 75],
      [user.id, 'completed', 100],
    ]);
    const row = await db.prisma.job.findUniqueOrThrow({ where: { id: job.id } });
    expect([row.status, row.progress, row.attempts, row.startedAt !== null, row.finishedAt !== null]).toEqual(['completed', 100, 1, true, true]);
    await runner.close();
  });

  it('refuses to start a job that is already running (409 job_busy)', async () => {
    const { user, job } = await createOtherUser(db.prisma);
    const runner = new SimulatedJobRunner(db.prisma, recordingNotifier().notifier, silentLogger, { stepMs: 60_000 });

    const first = runner.start({ id: job.id, ownerId: user.id });
    const second = runner.start({ id: job.id, ownerId: user.id });

    await expect(second).rejects.toBeInstanceOf(JobBusyError);
    await expect(second).rejects.toMatchObject({ status: 409, code: 'job_busy' });
    await first;
    await runner.close();
  });

  it('close() clears the pending step: nothing moves afterwards, and nothing new starts', async () => {
    const { user, job } = await createOtherUser(db.prisma);
    const { notifier, calls } = recordingNotifier();
    const runner = new SimulatedJobRunner(db.prisma, notifier, silentLogger, { stepMs: 60_000 });
    await runner.start({ id: job.id, ownerId: user.id });
    const timersBefore = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

    await runner.close();

    const timersAfter = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    expect(timersAfter, 'the 60 s step timer must be cleared by close()').toBe(timersBefore - 1);
    expect(runner.isRunning(job.id)).toBe(false);
    expect(calls).toHaveLength(1);
    await expect(runner.start({ id: job.id, ownerId: user.id })).rejects.toBeInstanceOf(RunnerClosedError);
  });
});

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
      const update: JobProgressNotification = { type: 'job.progress', jobId: 7, status: p === 100 ? 'completed' : 'processing', progress: p };
      sent.push(update);
      notifier.notify(owner.userId, update);
    }
    notifier.notify(owner.userId + 1_000_000, { type: 'job.progress', jobId: 8, status: 'processing', progress: 5 }); // nobody connected: no error
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
