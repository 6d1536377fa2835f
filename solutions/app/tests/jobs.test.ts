// Uploads and jobs through the API, on real video: the upload is probed and kept under a name the
// server picks, bad uploads leave nothing behind, jobs run on lab 09's queue and can be cancelled,
// and the output comes back only to its owner.
import { mkdir, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClip, useTempDir } from '../../../labs/09-video-progress/fixtures.ts';
import { useDatabase, useRedis } from '../../../tools/testing/test-env.ts';
import { waitFor } from '../../../tools/testing/wait.ts';
import { captureLogger } from '../../../labs/07-websocket-server/test-kit.ts';
import { DEMO_CLIP_TITLE, startWorkers, sweepOrphanedParts, type StartedApp } from '../index.ts';
import { createOtherUser, login, startTestApp } from './kit.ts';

const db = useDatabase();
const redis = useRedis();
const tmp = useTempDir('app-jobs-');

let app: StartedApp;
let token: string;
let projectId: number;
let mediaDir: string;
let clip: Buffer;

beforeAll(async () => {
  app = await startTestApp(db, redis, { maxUploadBytes: 200_000, worker: { progressIntervalMs: 50 } });
  token = await login(app);
  const demo = await db.prisma.video.findFirstOrThrow({ where: { title: DEMO_CLIP_TITLE }, select: { projectId: true, sourcePath: true } });
  projectId = demo.projectId;
  mediaDir = path.dirname(path.dirname(demo.sourcePath));
  clip = await readFile(await makeClip(tmp.file('clip.mp4'), { seconds: 2 }));
});

afterAll(async () => {
  await app?.close();
});

async function upload(body: Buffer | Uint8Array | string, headers: Record<string, string> = {}, as = token) {
  const res = await fetch(`${app.url}/api/projects/${projectId}/videos`, {
    method: 'POST',
    headers: { authorization: `Bearer ${as}`, 'content-type': 'video/mp4', ...headers },
    body: typeof body === 'string' ? body : new Blob([new Uint8Array(body)]),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const uploads = () => readdir(path.join(mediaDir, 'uploads'));

describe('uploads', () => {
  it('stores a real clip under a server-chosen name, probed, whatever the client called it', async () => {
    const res = await upload(clip, { 'x-file-name': encodeURIComponent('../../etc/passwd "x" ü.mp4') });

    expect(res.status).toBe(201);
    expect(res.body.video).toMatchObject({ title: 'passwd "x" ü', width: 160, height: 120, codec: 'h264' });
    const row = await db.prisma.video.findUniqueOrThrow({ where: { id: (res.body.video as { id: number }).id } });
    expect(path.dirname(row.sourcePath), 'the file lives in the uploads directory').toBe(path.join(mediaDir, 'uploads'));
    expect(path.basename(row.sourcePath), 'a UUID name: nothing of the client\'s name').toMatch(/^[0-9a-f-]{36}\.mp4$/);
  });

  it('reads a raw UTF-8 X-File-Name as UTF-8 and drops bidi and control characters from the title', async () => {
    // What a client sends unencoded: UTF-8 bytes, which fetch writes (and Node reads) one byte per char.
    const raw = Buffer.from('héllo wörld 日本\u202egpj.mp4', 'utf8').toString('latin1');
    const res = await upload(clip, { 'x-file-name': raw });

    expect(res.status).toBe(201);
    expect(res.body.video).toMatchObject({ title: 'héllo wörld 日本gpj' });
  });

  it('refuses bad media with 422 invalid_media and leaves no file', async () => {
    const before = await uploads();

    const text = await upload('this is not a video at all');
    const empty = await upload('');

    expect([text.status, text.body.error]).toEqual([422, 'invalid_media']);
    expect([empty.status, empty.body.error]).toEqual([422, 'invalid_media']);
    expect(text.body.message, "words a user can act on, not ffprobe's stderr").toBe('The upload is not a usable video: it is not a video file ffprobe can read (another kind of file, or a damaged one)');
    expect(await uploads(), 'no file left behind').toEqual(before);
  });

  it('refuses a body over the limit with 413, declared or not, and leaves no file', async () => {
    const before = await uploads();
    const big = new Uint8Array(300_000);

    const declared = await upload(big);
    const chunked = await fetch(`${app.url}/api/projects/${projectId}/videos`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'video/mp4' },
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < 6; i++) controller.enqueue(new Uint8Array(60_000));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit).then((r) => r.status, () => 413); // the server may cut the connection mid-body

    expect([declared.status, declared.body.error]).toEqual([413, 'payload_too_large']);
    expect(chunked).toBe(413);
    await waitFor(async () => (await uploads()).length === before.length, { message: 'the partial upload was not deleted' });
  });

  it('answers 415 to a body that is not declared as video, and 401 without a session', async () => {
    const wrongType = await upload(clip, { 'content-type': 'text/plain' });
    const anonymous = await fetch(`${app.url}/api/projects/${projectId}/videos`, { method: 'POST', headers: { 'content-type': 'video/mp4' }, body: new Blob([new Uint8Array(clip)]) });

    expect([wrongType.status, wrongType.body.error]).toEqual([415, 'unsupported_media_type']);
    expect(anonymous.status).toBe(401);
  });

  it('answers 404 project_not_found for someone else\'s project', async () => {
    const other = await createOtherUser(db.prisma);

    const res = await upload(clip, {}, await login(app, other));

    expect([res.status, res.body.error]).toEqual([404, 'project_not_found']);
  });
});

describe('jobs', () => {
  async function startJob(operation: string) {
    const video = await db.prisma.video.findFirstOrThrow({ where: { title: DEMO_CLIP_TITLE } });
    const res = await fetch(`${app.url}/api/videos/${video.id}/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ operation }),
    });
    return { status: res.status, job: ((await res.json()) as { job: { jobId: number; status: string } }).job };
  }
  const rowOf = (id: number) => db.prisma.job.findUniqueOrThrow({ where: { id } });

  it('fails a job on a video whose file is missing with a message that names no server path', async () => {
    // A video whose file was deleted from disk after it was uploaded.
    const gone = await db.prisma.video.create({ data: { projectId, title: 'Gone', sourcePath: path.join(mediaDir, 'uploads', 'gone.mp4'), durationMs: 2000 } });
    const res = await fetch(`${app.url}/api/videos/${gone.id}/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ operation: 'thumbnail' }),
    });
    const { job } = (await res.json()) as { job: { jobId: number } };
    await waitFor(async () => (await rowOf(job.jobId)).status === 'failed', { timeoutMs: 20_000, message: 'the job on a missing file never failed' });

    const row = await rowOf(job.jobId);
    expect(row.error).toBe("The video's source file is missing");
  });

  it('runs a thumbnail to completed; the owner downloads a JPEG, anyone else gets 404', async () => {
    const { status, job } = await startJob('thumbnail');
    await waitFor(async () => (await rowOf(job.jobId)).status === 'completed', { timeoutMs: 20_000, message: 'the thumbnail job never completed' });
    const other = await createOtherUser(db.prisma);

    const mine = await fetch(`${app.url}/api/jobs/${job.jobId}/output`, { headers: { authorization: `Bearer ${token}` } });
    const theirs = await fetch(`${app.url}/api/jobs/${job.jobId}/output`, { headers: { authorization: `Bearer ${await login(app, other)}` } });

    expect([status, job.status]).toEqual([202, 'pending']);
    expect(mine.status).toBe(200);
    expect(mine.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await mine.arrayBuffer()).subarray(0, 3).toString('hex')).toBe('ffd8ff');
    expect(theirs.status).toBe(404);
  });

  it('cancels a job (200, row cancelled) and answers 409 job_finished to a second cancel', async () => {
    const { job } = await startJob('transcode-720p');
    const cancel = () => fetch(`${app.url}/api/jobs/${job.jobId}/cancel`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });

    const first = await cancel();
    const second = await cancel();

    expect(first.status).toBe(200);
    expect(((await first.json()) as { job: { status: string } }).job.status).toBe('cancelled');
    expect([second.status, ((await second.json()) as { error: string }).error]).toEqual([409, 'job_finished']);
    await waitFor(async () => (await rowOf(job.jobId)).status === 'cancelled', { message: 'the row should stay cancelled' });
    const output = await fetch(`${app.url}/api/jobs/${job.jobId}/output`, { headers: { authorization: `Bearer ${token}` } });
    expect(output.status, 'a cancelled job has no output').toBe(409);
  });
});

describe('orphaned temporary outputs', () => {
  /** What a worker killed with SIGKILL leaves: the runner's `.<name>.<8 hex>.part`, last written `ageMs` ago. */
  async function leftover(dir: string, name: string, ageMs: number): Promise<void> {
    await writeFile(path.join(dir, name), 'half a video');
    const at = new Date(Date.now() - ageMs);
    await utimes(path.join(dir, name), at, at);
  }

  it('a worker starting sweeps the stale .part files from outputs/, and keeps a fresh one (a live job) and everything else', async () => {
    const outputs = tmp.file('sweep-outputs');
    await mkdir(outputs);
    await leftover(outputs, '.job-1.mp4.0123abcd.part', 60 * 60_000);
    await leftover(outputs, '.job-2.jpg.89abcdef.part', 20 * 60_000);
    await leftover(outputs, '.job-3.mp4.fedcba98.part', 1000);
    await leftover(outputs, 'job-4.mp4', 60 * 60_000);
    await leftover(outputs, 'notes.part', 60 * 60_000);
    const log = captureLogger();

    const notifier = { notify: () => {}, close: async () => {} }; // no job runs here
    const workers = await startWorkers(redis.client, { prisma: db.prisma, redisPrefix: `${redis.prefix}sweep:`, logger: log.logger, count: 1, notifier, outputsDir: outputs });
    await Promise.all(workers.map((w) => w.close()));

    expect((await readdir(outputs)).sort()).toEqual(['.job-3.mp4.fedcba98.part', 'job-4.mp4', 'notes.part']);
    expect(log.lines.find((l) => l.event === 'worker.swept_parts')?.fields).toEqual({ directory: outputs, files: 2 });
  });

  it('sweeps nothing from a directory that does not exist yet, and returns what it deleted', async () => {
    const outputs = tmp.file('sweep-later');

    expect(await sweepOrphanedParts(outputs)).toEqual([]);
    await mkdir(outputs);
    await leftover(outputs, '.job-9.mp4.00000000.part', 5000);
    expect(await sweepOrphanedParts(outputs, { staleMs: 1000 })).toEqual(['.job-9.mp4.00000000.part']);
  });
});
