// The finished system as several processes: two app instances (`npm start` twice, another port
// each) and one worker (`npm run worker`), sharing PostgreSQL, Redis and the media folder. Job
// progress goes through lab 10's relay, so it reaches the owner's sockets on either instance; a
// logout on one instance closes the session's sockets on the other; and a dashboard whose instance
// is killed mid-job reconnects to the other and its bar goes on to 100 % with no step missing.
// The browser reaches the instances through one address (a TCP proxy standing in for a load
// balancer), so its page, tickets and socket all follow when the proxy moves to the other instance.
//
// The tests share the processes; the browser test kills instance A, so it comes last.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../../tools/testing/chromium.ts';
import { TcpProxy } from '../../../tools/testing/tcp-proxy.ts';
import { useDatabase, useRedis } from '../../../tools/testing/test-env.ts';
import { connect, type TestClient } from '../../../tools/testing/ws-client.ts';
import { CloseCode } from '../../07-websocket-server/index.ts';
import { streamKeys, userStream } from '../../10-pubsub-scaling/index.ts';
import { DEMO_CLIP_TITLE, DEMO_LOGIN, parseNotification, type JobProgressNotification } from '../index.ts';
import { login, request } from './kit.ts';
import { startAppProcess, type AppProcess } from './processes.ts';

const db = useDatabase();
const redis = useRedis();

const RUNNING = /is running at (http:\/\/\S+)/;
let mediaDir: string;
let proxy: TcpProxy;
let a: AppProcess;
let b: AppProcess;
let worker: AppProcess;
let browser: Browser | undefined;
const at = (p: AppProcess) => ({ url: p.ready, wsUrl: `${p.ready.replace(/^http/, 'ws')}/ws` });

beforeAll(async () => {
  mediaDir = await mkdtemp(path.join(tmpdir(), 've-instances-'));
  proxy = await TcpProxy.start('http://127.0.0.1:1'); // pointed at A once A listens
  const env = {
    DATABASE_URL: db.url,
    REDIS_URL: redis.url,
    REDIS_PREFIX: redis.prefix,
    HOST: '127.0.0.1',
    PORT: '0',
    MEDIA_DIR: mediaDir,
    WORKERS: '0', // the jobs run in the worker process, on neither instance
    ALLOWED_ORIGINS: `http://127.0.0.1:${proxy.port}`,
  };
  a = await startAppProcess('main.ts', env, RUNNING); // first and alone: it migrates and seeds
  [b, worker] = await Promise.all([
    startAppProcess('main.ts', env, RUNNING),
    // Paced at the video's own speed: the demo clip's 6 s transcode is long enough to move mid-job.
    startAppProcess('worker-main.ts', { ...env, WORKERS: '1', JOB_READRATE: '1' }, /video workers? taking jobs/),
  ]);
  proxy.retarget(a.ready);
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([a, b, worker].filter(Boolean).map((p) => p.stop()));
  await proxy?.close();
  if (mediaDir) await rm(mediaDir, { recursive: true, force: true });
});

type Frame = { type: string; name?: string; data?: unknown; pos?: { stream: string; epoch: string; offset: string } };

/** A socket on `instance`, subscribed to its user's stream as the dashboard's is. */
async function tab(instance: AppProcess, token: string): Promise<TestClient & { welcome: { userId: number } }> {
  const client = await connect(at(instance).wsUrl, { token, closeAfterTest: true, timeoutMs: 10_000 });
  client.send({ type: 'subscribe', stream: userStream(client.welcome.userId), id: 'me' });
  await client.nextOf('subscribed', `the answer to subscribe to ${userStream(client.welcome.userId)}`, () => true, 10_000);
  return client;
}

/** Reads job.progress events of `jobId` until it completes. */
async function progressUntilDone(client: TestClient, jobId: number): Promise<Array<{ n: JobProgressNotification; offset: string }>> {
  const seen: Array<{ n: JobProgressNotification; offset: string }> = [];
  for (;;) {
    const frame = await client.nextOf<Frame>('event', `the progress of job ${jobId}`, () => true, 20_000);
    const n = parseNotification({ name: frame.name!, data: frame.data });
    if (n?.jobId !== jobId) continue;
    seen.push({ n, offset: frame.pos!.offset });
    if (n.status === 'completed') return seen;
  }
}

/** The entry ids the owner's stream holds for `jobId`, in order: what every subscriber must get. */
async function streamEntries(userId: number, jobId: number): Promise<string[]> {
  const entries = await redis.client.xRange(streamKeys(redis.prefix, userStream(userId)).log, '-', '+');
  return entries.filter((e) => (JSON.parse(e.message.m!) as { data?: { jobId?: number } }).data?.jobId === jobId).map((e) => e.id);
}

async function startJob(instance: AppProcess, token: string, operation: string): Promise<number> {
  const clip = await db.prisma.video.findFirstOrThrow({ where: { title: DEMO_CLIP_TITLE } });
  const started = await request<{ job: { jobId: number } }>(at(instance), 'POST', `/api/videos/${clip.id}/jobs`, { token, body: { operation } });
  expect(started.status, `POST /api/videos/${clip.id}/jobs on ${instance.ready}`).toBe(202);
  return started.body.job.jobId;
}

describe('two app instances and a worker', () => {
  it("a job's progress, published by the worker, reaches the owner's sockets on both instances: every step, once, in order", async () => {
    const token = await login(at(a));
    const onA = await tab(a, token);
    const onB = await tab(b, token);

    const jobId = await startJob(b, token, 'thumbnail');
    const [seenA, seenB] = await Promise.all([progressUntilDone(onA, jobId), progressUntilDone(onB, jobId)]);

    const entries = await streamEntries(onA.welcome.userId, jobId);
    expect(entries.length, 'the worker published the job into the owner\'s stream').toBeGreaterThan(0);
    expect(seenA.map((s) => s.offset), 'the socket on A got every entry of the job, once, in order').toEqual(entries);
    expect(seenB.map((s) => s.offset), 'the socket on B too').toEqual(entries);
    expect(seenB.at(-1)?.n).toMatchObject({ jobId, status: 'completed', progress: 100 });
  });

  it('a logout on instance A closes the session\'s sockets on instance B too (4003), and only that session\'s', async () => {
    const token = await login(at(a));
    const otherDevice = await login(at(b));
    const onA = await connect(at(a).wsUrl, { token, closeAfterTest: true, timeoutMs: 10_000 });
    const onB = await connect(at(b).wsUrl, { token, closeAfterTest: true, timeoutMs: 10_000 });
    const phone = await connect(at(b).wsUrl, { token: otherDevice, closeAfterTest: true, timeoutMs: 10_000 });

    const out = await request(at(a), 'POST', '/api/logout', { token });
    const [closedA, closedB] = await Promise.all([onA.waitClosed('the socket on A to close', 5000), onB.waitClosed('the socket on B, the other instance, to close', 5000)]);

    expect([out.status, out.body], 'closedSockets counts the instance that answered').toEqual([200, { loggedOut: true, closedSockets: 1 }]);
    expect(closedA.code).toBe(CloseCode.SESSION_REVOKED);
    expect(closedB.code, 'the other instance closes its socket of the revoked session too').toBe(CloseCode.SESSION_REVOKED);
    phone.send({ type: 'ping' });
    expect(await phone.next("the other session's pong"), 'another session of the same user stays connected').toEqual({ type: 'pong' });
  });

  it('the dashboard moves to instance B when A is killed mid-job: the bar goes on to 100 % with no step missing and none backwards', async () => {
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const consoleErrors: string[] = [];
    page.on('console', (message) => void (message.type() === 'error' && consoleErrors.push(message.text())));
    page.on('pageerror', (error) => void consoleErrors.push(error.message));
    let sockets = 0;
    const frames: Frame[] = [];
    page.on('websocket', (ws) => {
      sockets += 1;
      ws.on('framereceived', ({ payload }) => void frames.push(JSON.parse(payload.toString()) as Frame));
    });
    await page.goto(`http://127.0.0.1:${proxy.port}/`);
    await page.fill('input[name=email]', DEMO_LOGIN.email);
    await page.fill('input[name=password]', DEMO_LOGIN.password);
    await page.click('button[type=submit]');
    await page.waitForSelector('#connection[data-state="connected"]', { timeout: 15_000 });
    const clip = page.locator('.video', { has: page.locator('.title', { hasText: DEMO_CLIP_TITLE }) });
    const jobsBefore = await clip.locator('.job').count();
    await clip.locator('button.start', { hasText: 'Transcode 480p' }).click();
    const row = clip.locator('.job').nth(jobsBefore);
    await row.waitFor();
    const jobId = Number(await row.getAttribute('data-job-id'));
    await page.evaluate((id) => {
      const bar = document.querySelector(`.job[data-job-id="${id}"] [role=progressbar]`)!;
      const seen: number[] = [Number(bar.getAttribute('aria-valuenow'))];
      (window as unknown as { seen: number[] }).seen = seen;
      new MutationObserver(() => seen.push(Number(bar.getAttribute('aria-valuenow')))).observe(bar, { attributeFilter: ['aria-valuenow'] });
    }, jobId);
    await page.waitForFunction((id) => Number(document.querySelector(`.job[data-job-id="${id}"] [role=progressbar]`)?.getAttribute('aria-valuenow')) > 0, jobId, { timeout: 20_000 });

    proxy.retarget(b.ready); // the "load balancer" sends new connections to B
    await a.kill(); // and A dies mid-job, without a goodbye
    await page.waitForFunction(
      (id) => {
        const r = document.querySelector(`.job[data-job-id="${id}"]`);
        return r?.querySelector('.status')?.textContent === 'completed' && r.querySelector('[role=progressbar]')?.getAttribute('aria-valuenow') === '100';
      },
      jobId,
      { timeout: 30_000 },
    );

    const seen = await page.evaluate(() => (window as unknown as { seen: number[] }).seen);
    expect(sockets, 'the page opened a second socket, through the proxy, to instance B').toBeGreaterThanOrEqual(2);
    expect(seen, 'the bar never moves backwards').toEqual([...seen].sort((x, y) => x - y));
    expect(seen.some((v) => v > 0 && v < 100), `the bar passed through intermediate values, saw ${seen.join(', ')}`).toBe(true);
    const owner = await db.prisma.user.findUniqueOrThrow({ where: { email: DEMO_LOGIN.email } });
    const delivered = frames.filter((f) => f.type === 'event' && parseNotification({ name: f.name!, data: f.data })?.jobId === jobId).map((f) => f.pos!.offset);
    expect(delivered, "every entry of the job's stream reached the page exactly once, in order: none lost while it moved").toEqual(await streamEntries(owner.id, jobId));
    expect(consoleErrors, 'the page logged errors').toEqual([]);
  });
});
