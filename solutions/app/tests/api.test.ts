// The finished system's HTTP API, against a fresh database (seeded by the app at start) and a
// Redis prefix of this file's own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PROJECT_NAME, DEMO_USER, DEMO_VIDEOS } from '../../03-prisma-schema/index.ts';
import { cacheKeys } from '../../06-redis-caching/index.ts';
import { DEMO_CLIP_TITLE, type StartedApp } from '../index.ts';
import { createPrismaClient, type Prisma } from '../../../prisma/client.ts';
import { useDatabase, useRedis } from '../../../tools/testing/test-env.ts';
import { createOtherUser, DEMO_LOGIN, login, request, startTestApp, unfinishedJobsDone } from './kit.ts';

const db = useDatabase();
const redis = useRedis();

/** Every SQL statement the app's Prisma client sends, to hold the N+1 budget. */
const statements: string[] = [];
let app: StartedApp;
let token: string;

beforeAll(async () => {
  app = await startTestApp(db, redis, {
    createPrisma: (url) => {
      const prisma = createPrismaClient(url, { logQueries: true });
      (prisma as unknown as { $on(e: 'query', cb: (event: Prisma.QueryEvent) => void): void }).$on('query', (event) => statements.push(event.query));
      return prisma;
    },
  });
  token = await login(app);
  await unfinishedJobsDone(db); // the demo's pending and processing jobs, queued at start, have run: the lists hold still
});

/** Lab 03's demo job states, after the start queued the unfinished ones and the worker ran them. */
const demoStatus = (status: string) => (status === 'pending' || status === 'processing' ? 'completed' : status);

afterAll(async () => {
  await app?.close();
});

describe('login', () => {
  it('trades the demo email and password for a session token stored in sessions', async () => {
    const res = await request<{ token: string; expiresAt: string; user: unknown }>(app, 'POST', '/api/login', { body: DEMO_LOGIN });

    expect(res.status, 'POST /api/login answers 201: it creates a session').toBe(201);
    expect(res.body.user).toEqual({ id: expect.any(Number), email: DEMO_USER.email, name: DEMO_USER.name });
    const row = await db.prisma.session.findUnique({ where: { token: res.body.token } });
    expect(row?.userId, 'the token must be a row of sessions, for the demo user').toBe((res.body.user as { id: number }).id);
    expect(new Date(res.body.expiresAt).getTime()).toBe(row!.expiresAt.getTime());
  });

  it('answers 401 invalid_login to a wrong password and to an unknown email alike', async () => {
    const wrong = await request(app, 'POST', '/api/login', { body: { email: DEMO_LOGIN.email, password: 'nope' } });
    const unknown = await request(app, 'POST', '/api/login', { body: { email: 'nobody@example.test', password: 'nope' } });

    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ error: 'invalid_login', message: 'Wrong email or password.' });
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer');
    expect(unknown.body, 'an unknown email must look exactly like a wrong password').toEqual(wrong.body);
  });

  it('refuses malformed bodies with 400, 413 and 415 and a code', async () => {
    const badJson = await request(app, 'POST', '/api/login', { rawBody: '{"email":', headers: { 'content-type': 'application/json' } });
    const missing = await request(app, 'POST', '/api/login', { body: { email: DEMO_LOGIN.email } });
    const tooBig = await request(app, 'POST', '/api/login', { body: { email: DEMO_LOGIN.email, password: 'x'.repeat(20_000) } });
    const notJson = await request(app, 'POST', '/api/login', { rawBody: 'email=a', headers: { 'content-type': 'application/x-www-form-urlencoded' } });

    expect([badJson.status, badJson.body.error]).toEqual([400, 'bad_json']);
    expect([missing.status, missing.body.error]).toEqual([400, 'invalid_body']);
    expect(missing.body.message, 'the message names the field').toMatch(/password/);
    expect([tooBig.status, tooBig.body.error]).toEqual([413, 'payload_too_large']);
    expect([notJson.status, notJson.body.error]).toEqual([415, 'unsupported_media_type']);
  });
});

describe('who am I', () => {
  it('GET /api/me returns the user, where the WebSocket lives, and the features', async () => {
    const res = await request(app, 'GET', '/api/me', { token });

    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      user: { id: expect.any(Number), email: DEMO_USER.email, name: DEMO_USER.name },
      realtime: { path: '/ws' },
      features: { operations: ['transcode-480p', 'transcode-720p', 'thumbnail'], maxUploadBytes: 512 * 1024 * 1024 },
    });
    const userId = (res.body.user as { id: number }).id;
    expect(await redis.client.exists(cacheKeys(redis.prefix).user(userId)), 'the user is read through lab 06 cache').toBe(1);
  });

  it('answers 401 with a code when the token is missing or unknown', async () => {
    const missing = await request(app, 'GET', '/api/me');
    const unknown = await request(app, 'GET', '/api/me', { token: 'not-a-session' });

    expect([missing.status, missing.body.error]).toEqual([401, 'missing_credential']);
    expect([unknown.status, unknown.body.error]).toEqual([401, 'invalid_credential']);
  });
});

describe('projects, videos and jobs', () => {
  it('GET /api/projects returns the demo project with its videos and jobs, bigints as strings', async () => {
    const res = await request<{ projects: Array<{ id: number; name: string; videos: Array<Record<string, unknown> & { jobs: unknown[] }> }> }>(app, 'GET', '/api/projects', { token });

    expect(res.status).toBe(200);
    expect(res.body.projects.map((p) => p.name)).toEqual([DEMO_PROJECT_NAME]);
    const all = res.body.projects[0]!.videos;
    expect(all.map((v) => v.title), 'lab 03\'s demo videos, then the real clip the app generated at seed time').toEqual([...DEMO_VIDEOS.map((v) => v.title), DEMO_CLIP_TITLE]);
    const rows = await db.prisma.video.findMany({ where: { projectId: res.body.projects[0]!.id }, orderBy: { id: 'asc' } });
    expect(all.map((v) => v.sizeBytes), 'size_bytes is a BIGINT: sent as a string').toEqual(rows.map((v) => v.sizeBytes?.toString() ?? null));
    const videos = all.slice(0, DEMO_VIDEOS.length);
    expect(videos.map((v) => v.jobs.map((j) => (j as { kind: string; status: string }).status))).toEqual(DEMO_VIDEOS.map((v) => v.jobs.map((j) => demoStatus(j.status))));
  });

  it('loads projects with a fixed number of statements, however many rows there are (no N+1)', async () => {
    const other = await createOtherUser(db.prisma);
    for (let p = 0; p < 5; p++) {
      const project = await db.prisma.project.create({ data: { ownerId: other.user.id, name: `p${p}` } });
      for (let v = 0; v < 3; v++) {
        const video = await db.prisma.video.create({ data: { projectId: project.id, title: `v${v}`, sourcePath: `m/${p}-${v}.mp4` } });
        await db.prisma.job.create({ data: { videoId: video.id, ownerId: other.user.id, kind: 'thumbnail' } });
      }
    }
    const otherToken = await login(app, other);
    await request(app, 'GET', '/api/me', { token: otherToken }); // the session check is cached from here on
    await request(app, 'GET', '/api/me', { token }); // warm the demo user's session too

    const count = async (t: string) => {
      const before = statements.length;
      const res = await request<{ projects: unknown[] }>(app, 'GET', '/api/projects', { token: t });
      return { projects: res.body.projects.length, statements: statements.length - before };
    };
    const few = await count(token);
    const many = await count(otherToken);

    expect(many.projects).toBe(6);
    expect(many.statements, `6 projects, 16 videos, 16 jobs should cost what 1 project costs (${few.statements}); see solutions/app/queries.ts`).toBe(few.statements);
    expect(few.statements).toBeLessThanOrEqual(3);
  });

  it('GET /api/jobs lists the user\'s jobs with status, progress and video title', async () => {
    const res = await request<{ jobs: Array<Record<string, unknown>> }>(app, 'GET', '/api/jobs', { token });

    expect(res.status).toBe(200);
    const expected = DEMO_VIDEOS.flatMap((v) =>
      v.jobs.map((j) => ({ videoTitle: v.title, kind: j.kind, status: demoStatus(j.status), progress: demoStatus(j.status) === 'completed' ? 100 : j.progress, error: j.error })),
    );
    expect(res.body.jobs.map(({ videoTitle, kind, status, progress, error }) => ({ videoTitle, kind, status, progress, error }))).toEqual(expected);
  });

  it('GET /api/videos/:id reads through the video cache and hides other users\' videos', async () => {
    const other = await createOtherUser(db.prisma);
    const intro = await db.prisma.video.findFirstOrThrow({ where: { title: 'Intro' } });

    const mine = await request<{ video: Record<string, unknown> }>(app, 'GET', `/api/videos/${intro.id}`, { token });
    const theirs = await request(app, 'GET', `/api/videos/${other.video.id}`, { token });
    const missing = await request(app, 'GET', '/api/videos/999999', { token });
    const bad = await request(app, 'GET', '/api/videos/abc', { token });

    expect(mine.status).toBe(200);
    expect(mine.body.video).toMatchObject({ id: intro.id, title: 'Intro', width: 1920, sizeBytes: intro.sizeBytes!.toString() });
    expect(await redis.client.exists(cacheKeys(redis.prefix).video(intro.id)), 'the video is cached by lab 06 VideoStore').toBe(1);
    expect([theirs.status, theirs.body.error], 'someone else\'s video is as absent as a missing one').toEqual([404, 'video_not_found']);
    expect([missing.status, missing.body.error]).toEqual([404, 'video_not_found']);
    expect([bad.status, bad.body.error]).toEqual([400, 'invalid_id']);
  });
});

describe('routing', () => {
  it('answers unknown routes with 404 not_found and wrong methods with 405 and Allow', async () => {
    const unknown = await request(app, 'GET', '/api/nothing', { token });
    const wrongMethod = await request(app, 'POST', '/api/jobs', { token });

    expect([unknown.status, unknown.body.error]).toEqual([404, 'not_found']);
    expect([wrongMethod.status, wrongMethod.body.error]).toEqual([405, 'method_not_allowed']);
    expect(wrongMethod.headers.get('allow')).toBe('GET');
  });

  it('POST /api/jobs/:id/cancel answers 404 job_not_found for someone else\'s job and leaves it alone', async () => {
    const other = await createOtherUser(db.prisma);

    const res = await request(app, 'POST', `/api/jobs/${other.job.id}/cancel`, { token });

    expect([res.status, res.body.error]).toEqual([404, 'job_not_found']);
    const job = await db.prisma.job.findUniqueOrThrow({ where: { id: other.job.id } });
    expect([job.status, job.attempts]).toEqual(['pending', 0]);
  });

  it('POST /api/videos/:id/jobs refuses an unknown operation (400) and someone else\'s video (404)', async () => {
    const other = await createOtherUser(db.prisma);
    const clip = await db.prisma.video.findFirstOrThrow({ where: { title: DEMO_CLIP_TITLE } });

    const unknown = await request(app, 'POST', `/api/videos/${clip.id}/jobs`, { token, body: { operation: 'rm -rf' } });
    const theirs = await request(app, 'POST', `/api/videos/${other.video.id}/jobs`, { token, body: { operation: 'thumbnail' } });

    expect([unknown.status, unknown.body.error]).toEqual([400, 'invalid_body']);
    expect([theirs.status, theirs.body.error]).toEqual([404, 'video_not_found']);
  });
});
