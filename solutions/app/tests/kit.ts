// Helpers for the app's tests: start the finished system on port 0 against this file's database
// and Redis prefix, and talk to its API.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp, DEMO_LOGIN, hashPassword, type AppOptions, type StartedApp } from '../index.ts';
import type { PrismaClient } from '../../../prisma/client.ts';
import type { TestDatabase, TestRedis } from '../../../tools/testing/test-env.ts';
import { rawStatus as rawStatusOnPort } from '../../../labs/07-websocket-server/test-kit.ts';
import { waitFor } from '../../../tools/testing/wait.ts';
import { inject } from 'vitest';

export { DEMO_LOGIN };

/**
 * The app on port 0 with a media directory of its own, removed by close(). Unless the test names its
 * own `mediaDir`, the demo's media files come from the run's copy when an earlier start made them:
 * the app reuses files that exist (as a restart of `npm start` does), so ffmpeg makes them once per
 * run instead of once per test file (about 2 s of CPU each; demo.test.ts checks the making itself).
 */
export async function startTestApp(db: TestDatabase, redis: TestRedis, options: Partial<AppOptions> = {}): Promise<StartedApp> {
  const mediaDir = await mkdtemp(path.join(tmpdir(), 've-app-'));
  const shareDemo = options.mediaDir === undefined;
  try {
    if (shareDemo) await reuseDemoMedia(mediaDir);
    const app = await createApp({ databaseUrl: db.url, redisUrl: redis.url, redisPrefix: redis.prefix, port: 0, mediaDir, ...options });
    if (shareDemo) await keepDemoMedia(app);
    let closed: Promise<void> | undefined;
    return Object.assign(Object.create(app) as StartedApp, {
      close: () => (closed ??= app.close().finally(() => rm(mediaDir, { recursive: true, force: true }))),
    });
  } catch (error) {
    await rm(mediaDir, { recursive: true, force: true });
    throw error;
  }
}

/** The run's copy of the demo media: in the harness's run folder, removed when the run ends. */
const demoCache = () => path.join(inject('workbook').runDir, 'app-demo-media');

/** Copies the run's demo media, if a start made them already, to where the app looks for them. */
async function reuseDemoMedia(mediaDir: string): Promise<void> {
  if (existsSync(demoCache())) await cp(demoCache(), path.join(mediaDir, 'demo'), { recursive: true });
}

/** Keeps what this start made for the run's later starts: copied aside, then renamed into place (the first worker to get there wins). */
async function keepDemoMedia(app: StartedApp): Promise<void> {
  if (!app.demo || app.demo.made === 0 || existsSync(demoCache())) return;
  const copy = `${demoCache()}.${randomBytes(4).toString('hex')}`;
  await cp(app.demo.dir, copy, { recursive: true });
  await rename(copy, demoCache()).catch(() => rm(copy, { recursive: true, force: true }));
}

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

export interface RequestOptions {
  token?: string;
  /** Sent as JSON unless `rawBody` is given. */
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  /** Fail the test if no answer arrives within this long. @default 10_000 */
  timeoutMs?: number;
}

export async function request<T = Record<string, unknown>>(app: Pick<StartedApp, 'url'>, method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined = options.rawBody;
  if (body === undefined && options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(`${app.url}${path}`, { method, headers, body, signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as T, headers: res.headers };
}

/** Logs in and returns the session token; fails the test with the server's answer otherwise. */
export async function login(app: Pick<StartedApp, 'url'>, credentials: { email: string; password: string } = DEMO_LOGIN): Promise<string> {
  const res = await request<{ token: string }>(app, 'POST', '/api/login', { body: credentials });
  if (res.status !== 201) throw new Error(`login as ${credentials.email} answered ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.token;
}

/** A second user with a real password and one project, video and job of their own. */
export async function createOtherUser(prisma: PrismaClient) {
  const suffix = randomBytes(4).toString('hex');
  const password = `pw-${suffix}`;
  const user = await prisma.user.create({
    data: { email: `other-${suffix}@example.test`, name: `Other ${suffix}`, passwordHash: await hashPassword(password) },
  });
  const project = await prisma.project.create({ data: { ownerId: user.id, name: 'other' } });
  const video = await prisma.video.create({ data: { projectId: project.id, title: 'Other clip', sourcePath: `media/${suffix}.mp4` } });
  const job = await prisma.job.create({ data: { videoId: video.id, ownerId: user.id, kind: 'thumbnail' } });
  return { user, email: user.email, password, project, video, job };
}

/**
 * Resolves once no job is pending or processing. A start queues the demo's unfinished jobs (lab
 * 03 seeds one pending, one processing) and the in-process worker runs them first: a test that
 * needs the worker free, or the job list to hold still, waits for them.
 */
export async function unfinishedJobsDone(db: TestDatabase, timeoutMs = 45_000): Promise<void> {
  await waitFor(async () => (await db.prisma.job.count({ where: { status: { in: ['pending', 'processing'] } } })) === 0, {
    timeoutMs,
    message: 'jobs were still pending or processing (the demo jobs queued at start never finished?)',
  });
}

/** The status code the app answers raw `bytes` with (null: closed without an answer). See lab 07's rawStatus. */
export function rawStatus(app: StartedApp, bytes: string): Promise<number | null> {
  return rawStatusOnPort(Number(new URL(app.url).port), bytes);
}
