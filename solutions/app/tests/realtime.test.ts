// The app's WebSocket side: lab 07's server attached to the app's own port, and job progress
// relayed (lab 10's user stream) to the owner's subscribed sockets only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestTicket } from '../../../labs/07-websocket-server/test-kit.ts';
import { connect, handshakeStatus, type TestClient } from '../../../tools/testing/ws-client.ts';
import { DEMO_CLIP_TITLE, parseNotification, type JobProgressNotification, type StartedApp } from '../index.ts';
import { useDatabase, useRedis } from '../../../tools/testing/test-env.ts';
import { createOtherUser, login, request, startTestApp } from './kit.ts';

const db = useDatabase();
const redis = useRedis();

let app: StartedApp;
let token: string;
const open: TestClient[] = [];

beforeAll(async () => {
  app = await startTestApp(db, redis, { worker: { readrate: 4, progressIntervalMs: 100 } });
  token = await login(app);
});

afterAll(async () => {
  await Promise.all(open.map((c) => c.close()));
  await app?.close();
});

/**
 * A socket through the app's public port, the way the dashboard opens it: ticket first, Origin
 * set, then subscribed to its user's stream, where job progress arrives.
 */
async function connectAs(sessionToken: string): Promise<TestClient & { welcome: { userId: number } }> {
  const { status, body } = await requestTicket(app.url, sessionToken);
  expect(status, 'POST /ws-ticket on the app should answer 201').toBe(201);
  const client = await connect(app.wsUrl, { ticket: body.ticket as string, origin: app.url });
  open.push(client);
  client.send({ type: 'subscribe', stream: `user:${client.welcome.userId}`, id: 'me' });
  await client.nextOf('subscribed', 'the answer to subscribe to its own user stream');
  return client;
}

/** Reads events until the server reports `jobId` finished; returns every progress notification for it. */
async function progressUntilDone(client: TestClient, jobId: number): Promise<JobProgressNotification[]> {
  const seen: JobProgressNotification[] = [];
  for (;;) {
    const message = await client.next<{ type: string; name?: string; data?: unknown }>(`progress of job ${jobId}`, 5000);
    if (message.type !== 'event') continue;
    expect(message.name, 'progress arrives as { type: "event", name: "job.progress", data }').toBe('job.progress');
    const notification = parseNotification({ name: message.name!, data: message.data });
    if (notification?.jobId !== jobId) continue;
    seen.push(notification);
    if (notification.status === 'completed') return seen;
  }
}

describe('handshake through the app', () => {
  it('upgrades with a ticket from POST /ws-ticket and welcomes the ticket\'s user', async () => {
    const me = await request<{ user: { id: number } }>(app, 'GET', '/api/me', { token });

    const client = await connectAs(token);

    expect(client.welcome.userId).toBe(me.body.user.id);
  });

  it('refuses before the upgrade: no ticket 401, a reused ticket 401, a foreign Origin 403, another path 404', async () => {
    const { body } = await requestTicket(app.url, token);
    const first = await connect(app.wsUrl, { ticket: body.ticket as string, origin: app.url });
    open.push(first);

    expect(await handshakeStatus(app.wsUrl, { origin: app.url })).toBe(401);
    expect(await handshakeStatus(app.wsUrl, { ticket: body.ticket as string, origin: app.url }), 'a ticket works once').toBe(401);
    const fresh = await requestTicket(app.url, token);
    expect(await handshakeStatus(app.wsUrl, { ticket: fresh.body.ticket as string, origin: 'https://evil.example' })).toBe(403);
    expect(await handshakeStatus(app.wsUrl.replace(/\/ws$/, '/chat'), { origin: app.url })).toBe(404);
  });

  it('answers POST /ws-ticket without a token with 401 missing_credential', async () => {
    const res = await request(app, 'POST', '/ws-ticket');

    expect([res.status, res.body.error]).toEqual([401, 'missing_credential']);
  });
});

describe('job progress', () => {
  it('pushes a real transcode\'s progress to every tab of its owner, in version order, ending with completed at 100', async () => {
    const clip = await db.prisma.video.findFirstOrThrow({ where: { title: DEMO_CLIP_TITLE } });
    const tab1 = await connectAs(token);
    const tab2 = await connectAs(token);

    const started = await request<{ job: { jobId: number } }>(app, 'POST', `/api/videos/${clip.id}/jobs`, { token, body: { operation: 'transcode-480p' } });
    const jobId = started.body.job.jobId;
    const [seen1, seen2] = await Promise.all([progressUntilDone(tab1, jobId), progressUntilDone(tab2, jobId)]);

    expect(started.status).toBe(202);
    for (const seen of [seen1, seen2]) {
      const percents = seen.map((n) => n.progress);
      expect(percents, 'progress never goes backwards').toEqual([...percents].sort((a, b) => a - b));
      expect(seen.map((n) => n.version), 'versions grow').toEqual([...seen.map((n) => n.version)].sort((a, b) => a - b));
      expect(seen.at(-1)).toMatchObject({ type: 'job.progress', jobId, status: 'completed', progress: 100 });
    }
    expect(seen1.some((n) => n.status === 'processing' && n.progress > 0 && n.progress < 100), 'live updates between 0 and 100').toBe(true);
  });

  it('delivers a cancelled job\'s final update once, not once from the runner and again from the worker', async () => {
    const clip = await db.prisma.video.findFirstOrThrow({ where: { title: DEMO_CLIP_TITLE } });
    const tab = await connectAs(token);
    const started = await request<{ job: { jobId: number } }>(app, 'POST', `/api/videos/${clip.id}/jobs`, { token, body: { operation: 'transcode-480p' } });
    const jobId = started.body.job.jobId;
    const seen: JobProgressNotification[] = [];
    const read = async (until: (n: JobProgressNotification) => boolean, what: string) => {
      for (;;) {
        const message = await tab.next<{ type: string; name?: string; data?: unknown }>(what, 10_000);
        const notification = message.type === 'event' ? parseNotification({ name: message.name!, data: message.data }) : null;
        if (!notification) continue;
        seen.push(notification);
        if (until(notification)) return;
      }
    };
    await read((n) => n.jobId === jobId && n.status === 'processing', `job ${jobId} processing`);

    const cancelled = await request(app, 'POST', `/api/jobs/${jobId}/cancel`, { token });
    // One worker: the next job runs only after the cancelled one's worker has reported, so every
    // update of the cancelled job is in the stream before the next job's completed.
    const next = await request<{ job: { jobId: number } }>(app, 'POST', `/api/videos/${clip.id}/jobs`, { token, body: { operation: 'thumbnail' } });
    await read((n) => n.jobId === next.body.job.jobId && n.status === 'completed', `job ${next.body.job.jobId} completed`);

    expect(cancelled.status).toBe(200);
    const finals = seen.filter((n) => n.jobId === jobId && n.status === 'cancelled').map((n) => `${n.status}:v${n.version}`);
    expect(finals, 'each version of the job is delivered once').toHaveLength(1);
  });

  it('sends nothing to another user while the owner\'s job runs', async () => {
    const other = await createOtherUser(db.prisma);
    const owner = await connectAs(token);
    const stranger = await connectAs(await login(app, other));
    const clip = await db.prisma.video.findFirstOrThrow({ where: { title: DEMO_CLIP_TITLE } });

    const started = await request<{ job: { jobId: number } }>(app, 'POST', `/api/videos/${clip.id}/jobs`, { token, body: { operation: 'thumbnail' } });
    await progressUntilDone(owner, started.body.job.jobId);
    // Everything the server wrote to the stranger before this pong arrives first (one TCP stream).
    stranger.send({ type: 'ping', id: 'barrier' });
    const beforePong: unknown[] = [];
    for (let m = await stranger.next<{ type: string }>('the pong'); m.type !== 'pong'; m = await stranger.next('the pong')) beforePong.push(m);

    expect(beforePong, 'the stranger must receive no progress at all').toEqual([]);
  });
});

describe('rooms', () => {
  // The app's socket is for job progress; users have no relation to each other (no contacts, no
  // shared projects). A room any signed-in user can join would be a broadcast to strangers, and
  // `who` would tell anyone who is online: the app turns rooms off (docs/guide/the-system.md).
  it('refuses join, leave, say and who with rooms_disabled, and a room stream with forbidden', async () => {
    const other = await createOtherUser(db.prisma);
    const mine = await connectAs(token);
    const theirs = await connectAs(await login(app, other));
    /** Sends `message` and returns the server's answer to it (its id echoed); job events stay queued. */
    const ask = (client: TestClient, message: { type: string; id: string } & Record<string, unknown>) => {
      client.send(message);
      return client.take<Record<string, unknown>>((m) => (m as { id?: unknown })?.id === message.id, `the answer to ${message.type} (id "${message.id}")`);
    };

    const answers = [
      await ask(mine, { type: 'join', room: 'lobby', id: 'j' }),
      await ask(mine, { type: 'say', room: 'lobby', text: 'hello?', id: 's' }),
      await ask(mine, { type: 'leave', room: 'lobby', id: 'l' }),
      await ask(theirs, { type: 'who', room: 'lobby', id: 'w' }),
      await ask(theirs, { type: 'subscribe', stream: 'room:lobby', id: 'r' }),
    ];

    expect(answers.map((m) => [m.id, m.type, m.code])).toEqual([
      ['j', 'error', 'rooms_disabled'],
      ['s', 'error', 'rooms_disabled'],
      ['l', 'error', 'rooms_disabled'],
      ['w', 'error', 'rooms_disabled'],
      ['r', 'error', 'forbidden'],
    ]);
  });
});
