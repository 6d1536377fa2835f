// The dashboard in headless Chromium, on real video: log in as the demo user, see the seeded demo
// as it is (what plays opens, the broken upload says why it cannot), upload a clip made by ffmpeg, start a transcode and watch its bar reach 100 % over the WebSocket, play the output; a
// slow job-list snapshot must never overwrite a newer live update; a logout in another tab brings the
// login form back with a notice; the page notices the server going away. Any console error fails
// the test. Screenshots: /tmp/dashboard-demo.png (the seeded demo), /tmp/dashboard.png.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClip } from '../../../labs/09-video-progress/fixtures.ts';
import { launchChromium } from '../../../tools/testing/chromium.ts';
import { useDatabase, useRedis } from '../../../tools/testing/test-env.ts';
import { waitFor } from '../../../tools/testing/wait.ts';
import { DEMO_USER } from '../../03-prisma-schema/index.ts';
import { DEMO_CLIP_TITLE, parseNotification, type StartedApp } from '../index.ts';
import { DEMO_LOGIN, login, request, startTestApp, unfinishedJobsDone } from './kit.ts';

const db = useDatabase();
const redis = useRedis();

const SCREENSHOT = '/tmp/dashboard.png';
const DEMO_SCREENSHOT = '/tmp/dashboard-demo.png';

let app: StartedApp;
let browser: Browser;
let page: Page;
let clipDir: string;
/** Every WebSocket frame the page received, as text. */
const frames: string[] = [];
/** Console errors and uncaught exceptions of the page: each one fails the test it happens in. */
const consoleErrors: string[] = [];

beforeAll(async () => {
  // Jobs paced at the video's own speed (readrate 1): a 6 s clip takes about 6 s, so the bar can be seen moving.
  app = await startTestApp(db, redis, { worker: { readrate: 1, progressIntervalMs: 100 } });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  page.on('websocket', (ws) => ws.on('framereceived', ({ payload }) => void frames.push(payload.toString())));
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => void consoleErrors.push(error.message));
  clipDir = await mkdtemp(path.join(tmpdir(), 'dashboard-clip-'));
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  if (clipDir) await rm(clipDir, { recursive: true, force: true });
});

/** What the page shows for each job row. */
const readJobs = (p: Page) =>
  p.$$eval('.job', (rows) =>
    rows.map((row) => ({
      id: Number((row as HTMLElement).dataset.jobId),
      kind: row.querySelector('.kind')?.textContent,
      status: row.querySelector('.status')?.textContent,
      progress: Number(row.querySelector('[role=progressbar]')?.getAttribute('aria-valuenow')),
    })),
  );

/** Resolves when the row shows `completed` at 100 %. */
const rowCompleted = (p: Page, jobId: number, timeout = 30_000) =>
  p.waitForFunction(
    (id) => {
      const row = document.querySelector(`.job[data-job-id="${id}"]`);
      return row?.querySelector('.status')?.textContent === 'completed' && row.querySelector('[role=progressbar]')?.getAttribute('aria-valuenow') === '100';
    },
    jobId,
    { timeout },
  );

describe('dashboard', () => {
  it('logs in as the demo user and lists the demo jobs, connected over WebSocket', async () => {
    // The start queued lab 03's pending and processing demo jobs: once they are done, the list holds still.
    await unfinishedJobsDone(db);
    await page.goto(app.url);
    await page.fill('input[name=email]', DEMO_LOGIN.email);
    await page.fill('input[name=password]', DEMO_LOGIN.password);
    await page.click('button[type=submit]');
    await page.waitForSelector('#connection[data-state="connected"]', { timeout: 15_000 });

    const jobs = await db.prisma.job.findMany({ where: { owner: { email: DEMO_USER.email } }, orderBy: { id: 'asc' } });
    expect(await readJobs(page)).toEqual(jobs.map((j) => ({ id: j.id, kind: j.kind, status: j.status, progress: j.progress })));
    expect(await page.textContent('#who')).toBe(`${DEMO_USER.name} · ${DEMO_USER.email}`);
    expect(await page.textContent(`.video:has(.title:text-is("${DEMO_CLIP_TITLE}")) .facts`), 'the seeded real clip shows its metadata').toMatch(/640×360 · h264 · 0:06/);
    expect(consoleErrors, 'the page logged errors').toEqual([]);
  });

  it('shows the seeded demo as it is: the videos that play offer jobs and Open plays their outputs, the broken upload says why it cannot', async () => {
    const video = (title: string) => page.locator('.video', { has: page.locator('.title', { hasText: title }) });
    const intro = video('Intro');
    const interview = video('Interview (4K)');
    const broken = video('Broken upload');

    expect(await intro.locator('.facts').textContent()).toMatch(/^1920×1080 · h264 · 0:04 · \d+\.\d KB$/);
    expect(await interview.locator('.facts').textContent()).toMatch(/^3840×2160 · h264 · 0:03 · \d+\.\d KB$/);
    expect(await intro.locator('button.start').count(), 'a playable video offers the three operations').toBe(3);
    expect(await broken.locator('button.start').count(), 'nothing can run on an unreadable file').toBe(0);
    expect(await broken.locator('.unreadable').textContent(), 'the broken upload says it is broken, and why').toBe('Not a readable video: moov atom not found');
    expect(await broken.locator('.job .detail').textContent()).toBe('moov atom not found');
    const statuses = await page.$$eval('.video .job', (rows) => rows.map((r) => `${r.closest('.video')?.querySelector('.title')?.textContent}/${r.querySelector('.kind')?.textContent}: ${r.querySelector('.status')?.textContent}`));
    expect(statuses, 'every job shows a state that is true: the queued ones ran').toEqual([
      'Intro/transcode-720p: completed',
      'Intro/thumbnail: completed',
      'Interview (4K)/transcode-720p: completed',
      'Interview (4K)/thumbnail: cancelled',
      'Broken upload/probe: failed',
    ]);

    for (const row of [intro.locator('.job').first(), intro.locator('.job').nth(1), interview.locator('.job').first()]) await row.locator('button.open').click();

    await page.waitForFunction(() => {
      const players = [...document.querySelectorAll<HTMLVideoElement>('.job .output video')];
      const images = [...document.querySelectorAll<HTMLImageElement>('.job .output img')];
      return players.length === 2 && players.every((p) => p.duration > 0) && images.length === 1 && images[0]!.naturalWidth > 0;
    }, undefined, { timeout: 15_000 });
    await page.screenshot({ path: DEMO_SCREENSHOT, fullPage: true });
    expect(await page.isHidden('#app-error'), 'no Open answered an error (409 output_not_ready)').toBe(true);
    expect(consoleErrors, 'the page logged errors').toEqual([]);
  });

  it('uploads a clip, transcodes it with a live bar to 100 %, and plays the output', async () => {
    const clip = await makeClip(path.join(clipDir, 'my holiday "clip" ü.mp4'), { seconds: 3, size: '320x240' });
    const form = '.project .upload';
    await page.setInputFiles(`${form} input[type=file]`, clip);
    await page.click(`${form} button[type=submit]`);
    const video = page.locator('.video', { has: page.locator('.title', { hasText: 'my holiday "clip" ü' }) });
    await video.waitFor({ timeout: 15_000 });
    expect(await video.locator('.facts').textContent(), 'the upload was probed: size, codec, duration').toMatch(/^320×240 · h264 · 0:03 · \d/);

    await video.locator('button.start', { hasText: 'Transcode 480p' }).click();
    const row = video.locator('.job').last();
    await row.waitFor();
    const jobId = Number(await row.getAttribute('data-job-id'));
    await page.evaluate((id) => {
      const bar = document.querySelector(`.job[data-job-id="${id}"] [role=progressbar]`)!;
      const seen: string[] = [];
      (window as unknown as { seen: string[] }).seen = seen;
      new MutationObserver(() => seen.push(bar.getAttribute('aria-valuenow')!)).observe(bar, { attributeFilter: ['aria-valuenow'] });
    }, jobId);
    await rowCompleted(page, jobId);

    const seen = (await page.evaluate(() => (window as unknown as { seen: string[] }).seen)).map(Number);
    expect(seen.some((v) => v > 0 && v < 100), `the bar should pass through intermediate values, saw ${seen.join(', ')}`).toBe(true);
    const pushed = frames
      .map((f) => JSON.parse(f) as { type: string; name?: string; data?: unknown })
      .filter((m) => m.type === 'event')
      .map((m) => parseNotification({ name: m.name!, data: m.data }))
      .filter((n) => n?.jobId === jobId);
    expect(pushed.at(-1), 'the final state arrived over the WebSocket').toMatchObject({ type: 'job.progress', jobId, status: 'completed', progress: 100 });

    await row.locator('button.open').click();
    const duration = await page.waitForFunction(
      (id) => {
        const player = document.querySelector<HTMLVideoElement>(`.job[data-job-id="${id}"] .output video`);
        return player && Number.isFinite(player.duration) && player.duration > 0 ? player.duration : null;
      },
      jobId,
      { timeout: 15_000 },
    );
    expect(await duration.jsonValue(), 'the output plays: its <video> knows its duration').toBeGreaterThan(2.5);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(consoleErrors, 'the page logged errors').toEqual([]);
  });

  it('never lets a slow /api/jobs snapshot overwrite a newer live update (issue 11.7)', async () => {
    const token = await login(app);
    const clip = await db.prisma.video.findFirstOrThrow({ where: { title: DEMO_CLIP_TITLE } });
    const started = await request<{ job: { jobId: number } }>(app, 'POST', `/api/videos/${clip.id}/jobs`, { token, body: { operation: 'transcode-480p' } });
    const jobId = started.body.job.jobId;
    await waitFor(async () => (await db.prisma.job.findUniqueOrThrow({ where: { id: jobId } })).progress > 0, { timeoutMs: 15_000, message: 'the job never started moving' });
    let staleStatus: string | undefined;
    // The snapshot the page asks for when its socket opens is taken now, while the job runs, and
    // delivered only after the page has shown the live "completed".
    await page.route('**/api/jobs', async (route) => {
      const response = await route.fetch();
      const body = (await response.json()) as { jobs: Array<{ id: number; status: string }> };
      staleStatus = body.jobs.find((j) => j.id === jobId)?.status;
      await rowCompleted(page, jobId);
      await route.fulfill({ response, json: body });
    });
    const resyncsBefore = 0;

    await page.reload(); // the session is in sessionStorage: the page signs in again and opens a new socket
    await rowCompleted(page, jobId);
    await page.waitForFunction((n) => Number(document.body.dataset.resyncs ?? '0') > n, resyncsBefore, { timeout: 30_000 });

    expect(staleStatus, 'the held snapshot must be older than the live update, or this test proves nothing').toBe('processing');
    const shown = (await readJobs(page)).find((j) => j.id === jobId);
    expect(shown, 'after the stale snapshot arrived, the row still shows the newer state').toMatchObject({ status: 'completed', progress: 100 });
    await page.unroute('**/api/jobs');
    expect(consoleErrors, 'the page logged errors').toEqual([]);
  });

  it('goes to the login view with "You were logged out" when the session is revoked in another tab (close code 4003)', async () => {
    const token = String(await page.evaluate(() => sessionStorage.getItem('video-editor.token')));
    expect((await request(app, 'POST', '/api/logout', { token })).status, 'the other tab logs out').toBe(200);

    // Offline is where the page lands either way (4003 is final): then it must be on the login view.
    await page.waitForSelector('#connection[data-state="offline"]', { timeout: 10_000 });
    expect(await page.isVisible('#login-view'), 'a revoked session (4003) shows the login form, not an offline page (dashboard.ts giveup)').toBe(true);
    expect(await page.isHidden('#app-view'), 'the project list is no longer on screen').toBe(true);
    expect(await page.textContent('#login-error'), 'the page says why (dashboard.ts giveup)').toBe('You were logged out. Log in again.');

    await page.fill('input[name=email]', DEMO_LOGIN.email);
    await page.fill('input[name=password]', DEMO_LOGIN.password);
    await page.click('button[type=submit]');
    await page.waitForSelector('#connection[data-state="connected"]', { timeout: 15_000 });
    expect(await page.isHidden('#login-error'), 'the notice goes once the user logs in again').toBe(true);
    expect(consoleErrors, 'the page logged errors').toEqual([]);
  });

  it('shows "reconnecting" when the server shuts down (close code 1001)', async () => {
    await app.close();

    await page.waitForSelector('#connection[data-state="reconnecting"]', { timeout: 10_000 });
    expect(await page.textContent('#connection')).toMatch(/^reconnecting \(attempt \d+\)…$/);
  });
});
