// The demo data as someone who just ran `npm start` meets it. Lab 03's seed writes rows only (paths,
// facts and job states: a pure data lab); the app's start-up step must make those rows true on disk
// and in the queue: real clips where a video should play, a real output for the completed job, a
// queue entry for every pending or processing job, and a broken upload that is broken for real.
// Restarting adds nothing, and a database seeded by `npm run db:seed` gets the same treatment.
import { execFile } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTempDir } from '../../../labs/09-video-progress/fixtures.ts';
import { useDatabase, useRedis } from '../../../tools/testing/test-env.ts';
import { DEMO_USER, DEMO_VIDEOS, seedDemo } from '../../03-prisma-schema/index.ts';
import { bullJobId, probe } from '../../09-video-progress/index.ts';
import type { StartedApp } from '../index.ts';
import { login, startTestApp, unfinishedJobsDone } from './kit.ts';

const db = useDatabase();
const redis = useRedis();
const media = useTempDir('app-demo-');

let app: StartedApp;

const start = () => startTestApp(db, redis, { mediaDir: media.path });

beforeAll(async () => {
  app = await start();
});

afterAll(async () => {
  await app?.close();
});

const UNFINISHED = ['pending', 'processing'] as const;

/** The demo user's video called `title` (exactly one), with its jobs. */
async function demoVideo(title: string) {
  const videos = await db.prisma.video.findMany({
    where: { title, project: { owner: { email: DEMO_USER.email } } },
    include: { jobs: { orderBy: { id: 'asc' } } },
  });
  expect(videos.length, `exactly one demo video called "${title}"`).toBe(1);
  return videos[0]!;
}

/** Lab 03's jobs that it seeds as pending or processing: (video title, kind). */
const seededUnfinished = DEMO_VIDEOS.flatMap((v) => v.jobs.filter((j) => (UNFINISHED as readonly string[]).includes(j.status)).map((j) => ({ title: v.title, kind: j.kind })));

/** BullMQ's hash of a queued job (kept an hour after it completes: lab 09's removeOnComplete). */
const queueEntry = (jobId: number) => `${redis.prefix}bull:video:${bullJobId(jobId)}`;

const allDone = () => unfinishedJobsDone(db);

/** Every row, every queue entry and every file the demo is made of, with the files' mtimes. */
async function snapshot() {
  const videos = await db.prisma.video.findMany({ orderBy: { id: 'asc' }, select: { id: true, title: true, sourcePath: true, sizeBytes: true } });
  const jobs = await db.prisma.job.findMany({ orderBy: { id: 'asc' }, select: { id: true, videoId: true, kind: true, status: true, outputPath: true, version: true } });
  const queued: string[] = [];
  for await (const keys of redis.client.scanIterator({ MATCH: `${redis.prefix}bull:video:*`, COUNT: 500 })) queued.push(...keys.filter((k) => /:job-\d+$/.test(k)));
  const files: Array<[string, number]> = [];
  for (const entry of await readdir(media.path, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || entry.name.endsWith('.part')) continue; // a job's output being written, renamed any moment
    const file = path.join(entry.parentPath, entry.name);
    files.push([path.relative(media.path, file), (await stat(file)).mtimeMs]);
  }
  return { videos, jobs, queued: queued.sort(), files: files.sort() };
}

describe('the seeded demo', () => {
  it('"Intro" and "Interview (4K)" play: real clips of a few hundred KB at most, under MEDIA_DIR, and their rows tell the facts', async () => {
    for (const title of ['Intro', 'Interview (4K)']) {
      const video = await demoVideo(title);
      const clip = await probe(video.sourcePath).catch((error: Error) => {
        throw new Error(`"${title}" points at ${video.sourcePath}, which is not a playable file: ${error.message}`);
      });

      expect(path.relative(media.path, video.sourcePath).startsWith('..'), `"${title}" lives under MEDIA_DIR`).toBe(false);
      expect(clip.sizeBytes, `"${title}" stays small`).toBeLessThan(400_000);
      expect(
        { durationMs: video.durationMs, width: video.width, height: video.height, codec: video.codec, sizeBytes: video.sizeBytes },
        `the "${title}" row describes the file it points at`,
      ).toEqual({ durationMs: clip.durationMs, width: clip.width, height: clip.height, codec: clip.videoCodec, sizeBytes: BigInt(clip.sizeBytes) });
    }
    expect((await demoVideo('Interview (4K)')).width, 'the interview is 4K, as its title says').toBe(3840);
  });

  it('the completed job has its output: Open plays a 720p MP4', async () => {
    const intro = await demoVideo('Intro');
    const done = intro.jobs.find((j) => j.kind === 'transcode-720p')!;
    const token = await login(app);

    const res = await fetch(`${app.url}/api/jobs/${done.id}/output`, { headers: { authorization: `Bearer ${token}` } });

    expect(res.status, `GET /api/jobs/${done.id}/output of the seeded completed job (the dashboard's Open)`).toBe(200);
    expect(res.headers.get('content-type')).toBe('video/mp4');
    const bytes = Buffer.from(await res.arrayBuffer());
    const output = await probe(done.outputPath!);
    expect(bytes.length, 'the download is the output file').toBe(output.sizeBytes);
    expect([output.width, output.height], 'a 720p transcode of the 1080p intro').toEqual([1280, 720]);
  });

  it('every seeded pending or processing job is on the queue, and a worker runs it to completed', async () => {
    const jobs = await Promise.all(seededUnfinished.map(async ({ title, kind }) => (await demoVideo(title)).jobs.find((j) => j.kind === kind)!));

    for (const job of jobs) expect(await redis.client.exists(queueEntry(job.id)), `job #${job.id} (${job.kind}) is in BullMQ, or no worker will ever move it`).toBe(1);
    await allDone();
    for (const job of jobs) {
      const row = await db.prisma.job.findUniqueOrThrow({ where: { id: job.id } });
      expect([row.status, row.progress], `job #${job.id} (${job.kind})`).toEqual(['completed', 100]);
      expect((await stat(row.outputPath!)).size, `job #${job.id} wrote its output`).toBeGreaterThan(0);
    }
  });

  it('"Broken upload" is broken for real: the first KB of an MP4, without the index its failed job names', async () => {
    const broken = await demoVideo('Broken upload');
    const failed = broken.jobs.find((j) => j.status === 'failed')!;

    const bytes = await readFile(broken.sourcePath);
    const ffprobe = await promisify(execFile)('ffprobe', ['-v', 'error', `file:${broken.sourcePath}`]).then(
      () => '',
      (error: { stderr: string }) => error.stderr,
    );

    expect(bytes.length, 'the row\'s size_bytes is the file\'s').toBe(Number(broken.sizeBytes));
    expect(bytes.subarray(4, 8).toString(), 'it starts like an MP4').toBe('ftyp');
    expect(failed.error, 'lab 03 seeds the failed probe with this error').toBe('moov atom not found');
    expect(ffprobe, 'ffprobe refuses the file for the reason the failed job gives').toContain(failed.error);
    expect(broken.durationMs, 'an unreadable file has no duration: the dashboard offers no job on it').toBeNull();
  });

  it('a restart adds no row, queues no job twice and generates no file again', async () => {
    await allDone();
    const before = await snapshot();
    await app.close();

    app = await start();

    expect(app.seeded, 'the database has users: nothing is seeded').toBeNull();
    expect(await snapshot()).toEqual(before);
  });

  it('a database seeded by `npm run db:seed` before the first start gets the same media, reused, and its unfinished jobs queued', async () => {
    await allDone();
    const files = (await snapshot()).files.filter(([name]) => !name.startsWith('outputs'));
    await app.close();
    await db.pool.query('DELETE FROM users; DELETE FROM events;'); // an empty database ...
    await seedDemo(db.prisma); // ... seeded by lab 03 alone

    app = await start();

    expect(app.seeded, 'the database had users: the app seeds nothing itself').toBeNull();
    for (const title of ['Intro', 'Interview (4K)']) expect((await probe((await demoVideo(title)).sourcePath)).durationMs).toBeGreaterThan(0);
    for (const { title, kind } of seededUnfinished) {
      const job = (await demoVideo(title)).jobs.find((j) => j.kind === kind)!;
      expect(await redis.client.exists(queueEntry(job.id)), `job #${job.id} (${kind}) is in BullMQ`).toBe(1);
    }
    expect((await snapshot()).files.filter(([name]) => !name.startsWith('outputs')), 'the clips made by the first start are reused, not made again').toEqual(files);
  });

  it('lab 03\'s seed run again on the app\'s database adds nothing once the app restarts', async () => {
    await allDone();
    const before = await snapshot();
    await app.close();
    await seedDemo(db.prisma); // `npm run db:seed` finds none of its rows by lab 03's paths, and adds them

    app = await start();

    expect(await snapshot(), 'the same videos, jobs, queue entries and files as before').toEqual(before);
  });
});
