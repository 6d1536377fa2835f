// The dashboard in headless Chromium: log in as the demo user, see the demo jobs, start a
// simulated job and watch its progress bar reach 100 % over the WebSocket, then see the page
// notice the server going away. Screenshot: /tmp/dashboard.png.
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../../tools/testing/chromium.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USER } from '../../03-prisma-schema/index.ts';
import { parseNotification, type StartedApp } from '../index.ts';
import { useDatabase, useRedis } from '../../../tools/testing/test-env.ts';
import { DEMO_LOGIN, startTestApp } from './kit.ts';

const db = useDatabase();
const redis = useRedis();

const SCREENSHOT = '/tmp/dashboard.png';

let app: StartedApp;
let browser: Browser;
let page: Page;
/** Every WebSocket frame the page received, as text. */
const frames: string[] = [];

beforeAll(async () => {
  app = await startTestApp(db, redis, { simulate: { stepMs: 80, stepPercent: 10 } });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1100, height: 760 } });
  page.on('websocket', (ws) => ws.on('framereceived', ({ payload }) => void frames.push(payload.toString())));
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
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

describe('dashboard', () => {
  it('logs in as the demo user and lists the demo jobs, connected over WebSocket', async () => {
    await page.goto(app.url);
    await page.fill('input[name=email]', DEMO_LOGIN.email);
    await page.fill('input[name=password]', DEMO_LOGIN.password);
    await page.click('button[type=submit]');
    await page.waitForSelector('#connection[data-state="connected"]', { timeout: 15_000 });

    const jobs = await db.prisma.job.findMany({ where: { owner: { email: DEMO_USER.email } }, orderBy: { id: 'asc' } });
    expect(await readJobs(page)).toEqual(jobs.map((j) => ({ id: j.id, kind: j.kind, status: j.status, progress: j.progress })));
    expect(await page.textContent('#who')).toBe(`${DEMO_USER.name} · ${DEMO_USER.email}`);
  });

  it('moves a simulated job\'s progress bar live until it shows 100 % and "completed"', async () => {
    const job = await db.prisma.job.findFirstOrThrow({ where: { kind: 'thumbnail', status: 'pending', owner: { email: DEMO_USER.email } } });
    const row = `.job[data-job-id="${job.id}"]`;
    // Record every value the bar shows, to tell a live bar from one that jumps on a reload.
    await page.evaluate((selector) => {
      const bar = document.querySelector(`${selector} [role=progressbar]`)!;
      const seen: string[] = [];
      (window as unknown as { seen: string[] }).seen = seen;
      new MutationObserver(() => seen.push(bar.getAttribute('aria-valuenow')!)).observe(bar, { attributeFilter: ['aria-valuenow'] });
    }, row);

    await page.click(`${row} .simulate`);
    await page.waitForFunction(
      (selector) => {
        const el = document.querySelector(selector);
        return el?.querySelector('.status')?.textContent === 'completed' && el.querySelector('[role=progressbar]')?.getAttribute('aria-valuenow') === '100';
      },
      row,
      { timeout: 20_000 },
    );

    const seen = (await page.evaluate(() => (window as unknown as { seen: string[] }).seen)).map(Number);
    expect(seen.some((v) => v > 0 && v < 100), `the bar should pass through intermediate values, saw ${seen.join(', ')}`).toBe(true);
    const pushed = frames
      .map((f) => JSON.parse(f) as { type: string; name?: string; data?: unknown })
      .filter((m) => m.type === 'event')
      .map((m) => parseNotification({ name: m.name!, data: m.data }))
      .filter((n) => n?.jobId === job.id);
    expect(pushed.at(-1), 'the final state arrived over the WebSocket').toEqual({ type: 'job.progress', jobId: job.id, status: 'completed', progress: 100 });
    expect(await page.textContent(`${row} .pct`)).toBe('100%');
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  it('shows "reconnecting" when the server shuts down (close code 1001)', async () => {
    await app.close();

    await page.waitForSelector('#connection[data-state="reconnecting"]', { timeout: 10_000 });
    expect(await page.textContent('#connection')).toMatch(/^reconnecting \(attempt \d+\)…$/);
  });
});
