// Lab 09, step 5: the durable queue (BullMQ) and the worker: retries with backoff, no retry for
// bad media, cancel wherever the job runs, one run per job however many workers race for it.
import { access, mkdir, readdir, writeFile } from 'node:fs/promises';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useDatabase, useRedis } from '../../tools/testing/test-env.ts';
import { waitFor } from '../../tools/testing/wait.ts';
import { createJobRow, makeClip, useTempDir } from './fixtures.ts';
import { CancelOutcome, JobStore, Operation, VideoQueue, VideoWorker, type JobProgressUpdate, type VideoWorkerOptions } from './index.ts';

const db = useDatabase();
const redis = useRedis();
const tmp = useTempDir();
let clip: string;
let longClip: string;

beforeAll(async () => {
  [clip, longClip] = await Promise.all([makeClip(tmp.file('clip.mp4'), { seconds: 2 }), makeClip(tmp.file('long clip.mp4'), { seconds: 30 })]);
});

// Everything a test opens, closed after it (workers before queues; the shared client stays).
const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (let item = open.pop(); item; item = open.pop()) await item.close();
});

let queueCount = 0;
/** A queue name of this test's own, so no test sees another's jobs. */
function setup(queueOptions: { attempts?: number; backoffMs?: number } = {}) {
  const config = { connection: redis.client, prefix: `${redis.prefix}bull`, name: `video-${++queueCount}` };
  const queue = new VideoQueue({ ...config, ...queueOptions });
  open.push(queue);
  const store = new JobStore(db.prisma);
  const updates: JobProgressUpdate[] = [];
  async function worker(options: Partial<VideoWorkerOptions> = {}): Promise<VideoWorker> {
    const w = await VideoWorker.start({ ...config, store, onUpdate: (u) => updates.push(u), ...options });
    open.push(w);
    return w;
  }
  return { queue, store, updates, worker };
}

const rowOf = (jobId: number) => db.prisma.job.findUniqueOrThrow({ where: { id: jobId } });
const finished = (jobId: number, message: string) =>
  waitFor(async () => ['completed', 'failed', 'cancelled'].includes((await rowOf(jobId)).status), { timeoutMs: 20_000, message });

describe('durable queue', () => {
  it('runs a queued transcode to completed: the row at 100 % and the owner told in order, throttled, final state last', async () => {
    const { queue, updates, worker } = setup();
    const { jobId, ownerId } = await createJobRow(db.prisma);
    const output = tmp.file(`out-${jobId}.mp4`);
    await worker({ progressIntervalMs: 100, readrate: 4 }); // 2 s of video in about 0.5 s: a few progress blocks

    await queue.enqueue({ jobId, ownerId, operation: Operation.TRANSCODE_480P, input: clip, output });
    await finished(jobId, 'the job never finished: is the worker taking jobs from the queue?');

    const row = await rowOf(jobId);
    expect([row.status, row.progress, row.attempts, row.outputPath]).toEqual(['completed', 100, 1, output]);
    await access(output);
    const mine = updates.filter((u) => u.jobId === jobId);
    expect(mine.every((u) => u.ownerId === ownerId), 'every update names the owner').toBe(true);
    expect(mine.at(-1), 'the final state is always delivered, last').toMatchObject({ status: 'completed', progress: 100 });
    expect(mine.map((u) => u.version), 'versions grow: the owner can always tell newer from older').toEqual([...mine.map((u) => u.version)].sort((a, b) => a - b));
    expect(new Set(mine.map((u) => u.version)).size, 'one update per write').toBe(mine.length);
    expect(mine.length, 'throttled: at most a few updates, not one per ffmpeg block').toBeLessThanOrEqual(12);
  });

  it('fails bad media at once, without retrying it', async () => {
    const { queue, worker } = setup({ attempts: 3, backoffMs: 10 });
    const { jobId, ownerId } = await createJobRow(db.prisma);
    const bad = tmp.file(`bad-${jobId}.mp4`);
    await writeFile(bad, 'not a video');
    await worker();

    await queue.enqueue({ jobId, ownerId, operation: Operation.TRANSCODE_480P, input: bad, output: tmp.file(`never-${jobId}.mp4`) });
    await finished(jobId, 'a job on bad media never reached failed');

    const row = await rowOf(jobId);
    expect([row.status, row.attempts], 'bad media: failed after ONE attempt (throw UnrecoverableError)').toEqual(['failed', 1]);
    expect(row.error).toMatch(/not a usable video/i);
  });

  it('retries a transient failure with backoff, and the row counts the attempts', async () => {
    const { queue, store, worker } = setup({ attempts: 3, backoffMs: 300 });
    const { jobId, ownerId } = await createJobRow(db.prisma);
    const dir = tmp.file(`later-${jobId}`); // not there yet: like a disk that is not mounted
    await worker();

    await queue.enqueue({ jobId, ownerId, operation: Operation.THUMBNAIL, input: clip, output: `${dir}/thumb.jpg` });
    await waitFor(async () => (await store.get(jobId)).error?.includes('attempt 1 failed'), { timeoutMs: 10_000, message: 'the first attempt should fail and leave "attempt 1 failed, retrying" in the row' });
    expect((await store.get(jobId)).status, 'between attempts the job waits in the queue: pending').toBe('pending');
    await mkdir(dir);
    await finished(jobId, 'the retried job never finished');

    const row = await rowOf(jobId);
    expect([row.status, row.attempts, row.error]).toEqual(['completed', 2, null]);
  });

  it('cancels a running job on whichever worker runs it: ffmpeg stops, no output, no retry', async () => {
    const { queue, worker } = setup({ attempts: 3 });
    const { jobId, ownerId } = await createJobRow(db.prisma);
    const dir = tmp.file(`cancel-${jobId}`);
    await mkdir(dir);
    await Promise.all([worker({ readrate: 1, progressIntervalMs: 50 }), worker({ readrate: 1, progressIntervalMs: 50 })]);
    await queue.enqueue({ jobId, ownerId, operation: Operation.TRANSCODE_480P, input: longClip, output: `${dir}/out.mp4` });
    await waitFor(async () => (await rowOf(jobId)).progress > 0, { timeoutMs: 10_000, message: 'the job never started moving' });

    // Only the message this time (the row is not touched first, as the API would): the worker
    // running the job must hear it on the cancel channel and abort it with worker.cancelJob.
    const outcome = await queue.cancel(jobId);
    await waitFor(async () => (await readdir(dir)).length === 0 && (await queue.counts()).failed === 1, { timeoutMs: 10_000, message: 'the worker running the job should abort it (worker.cancelJob) and delete the partial file' });

    expect(outcome).toBe(CancelOutcome.SIGNALLED);
    const row = await rowOf(jobId);
    expect([row.status, row.attempts], 'cancelled, and not retried').toEqual(['cancelled', 1]);
    expect((await queue.counts()).active, 'nothing left running').toBe(0);
  });

  it('cancels a job that has not started: it leaves the queue and never runs', async () => {
    const { queue, store, worker } = setup();
    const { jobId, ownerId } = await createJobRow(db.prisma);
    await queue.enqueue({ jobId, ownerId, operation: Operation.THUMBNAIL, input: clip, output: tmp.file(`never-${jobId}.jpg`) });

    await store.cancel(jobId);
    const outcome = await queue.cancel(jobId);
    const w = await worker();
    await w.close();

    expect(outcome).toBe(CancelOutcome.REMOVED);
    expect((await rowOf(jobId)).attempts, 'no worker started it').toBe(0);
    await expect(access(tmp.file(`never-${jobId}.jpg`))).rejects.toThrow();
  });

  it('runs a job once when it is enqueued twice and two workers race for it', async () => {
    const { queue, updates, worker } = setup();
    const { jobId, ownerId } = await createJobRow(db.prisma);
    const data = { jobId, ownerId, operation: Operation.THUMBNAIL, input: clip, output: tmp.file(`race-${jobId}.jpg`) };

    await Promise.all([queue.enqueue(data), queue.enqueue(data)]);
    await Promise.all([worker(), worker()]);
    await finished(jobId, 'the job never finished');

    const row = await rowOf(jobId);
    expect([row.status, row.attempts]).toEqual(['completed', 1]);
    expect(updates.filter((u) => u.jobId === jobId && u.status === 'completed'), 'completed exactly once').toHaveLength(1);
  });

  it('close() puts a running job back in the queue instead of cancelling it; the next worker finishes it', async () => {
    const { queue, worker } = setup();
    const { jobId, ownerId } = await createJobRow(db.prisma);
    const first = await worker({ readrate: 1, progressIntervalMs: 50 });
    await queue.enqueue({ jobId, ownerId, operation: Operation.TRANSCODE_480P, input: clip, output: tmp.file(`resume-${jobId}.mp4`) });
    await waitFor(async () => (await rowOf(jobId)).progress > 0, { timeoutMs: 10_000, message: 'the job never started moving' });

    await first.close();
    expect((await rowOf(jobId)).status, 'a worker shutting down is not a cancel').toBe('pending');
    await worker();
    await finished(jobId, 'the interrupted job never finished on the next worker');

    expect((await rowOf(jobId)).status).toBe('completed');
  });
});
