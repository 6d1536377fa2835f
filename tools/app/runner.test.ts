// The pieces behind live progress, one at a time: the simulated runner (timers + PostgreSQL) and
// the notifier (lab 08 client, paced under lab 07's rate limit).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, createSession, type TestClient } from '../../labs/07-websocket-server/test-kit.ts';
import { silentLogger, startChatServer, type ChatServer } from '../../solutions/07-websocket-server/index.ts';
import {
  JobBusyError,
  parseNotification,
  RunnerClosedError,
  SimulatedJobRunner,
  startChatNotifier,
  type JobProgressNotification,
  type ProgressNotifier,
} from '../../solutions/app/index.ts';
import { useDatabase, useRedis } from '../harness/test-env.ts';
import { waitFor } from '../testing/wait.ts';
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

describe('ChatNotifier', () => {
  let server: ChatServer;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    server = await startChatServer({ prisma: db.prisma, redis: redis.client, keyPrefix: redis.prefix });
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await server?.close();
  });

  it('merges intermediate updates it cannot send yet and always delivers the last one', async () => {
    const owner = await createSession(db.prisma);
    const tab = await connect(server.wsUrl, { token: owner.token });
    clients.push(tab);
    const notifier = await startChatNotifier({ prisma: db.prisma, wsUrl: server.wsUrl, logger: silentLogger, pace: { capacity: 2, refillPerSecond: 20 } });

    for (let p = 10; p <= 100; p += 10) {
      notifier.notify(owner.userId, { type: 'job.progress', jobId: 7, status: p === 100 ? 'completed' : 'processing', progress: p });
    }
    const received: JobProgressNotification[] = [];
    while (received.at(-1)?.status !== 'completed') {
      const dm = await tab.next<{ type: string; from: number; text: string }>('a progress dm');
      expect(dm.from, 'the dm comes from the notifier user').toBe(notifier.userId);
      received.push(parseNotification(dm.text) as JobProgressNotification);
    }
    const stats = notifier.stats();
    await notifier.close();

    expect(received.slice(0, 2).map((n) => n.progress), 'the burst (capacity 2) goes out at once').toEqual([10, 20]);
    expect(received.at(-1)).toEqual({ type: 'job.progress', jobId: 7, status: 'completed', progress: 100 });
    expect(received.length, 'updates that waited were merged: fewer frames than updates').toBeLessThan(10);
    expect(stats).toEqual({ sent: received.length, merged: 10 - received.length });
  });
});
