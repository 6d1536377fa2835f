// Lab 09, step 5: the durable queue (BullMQ) and the worker: retries with backoff, no retry for
// bad media, cancel wherever the job runs, one run per job however many workers race for it.
import { access, mkdir, readdir, writeFile } from 'node:fs/promises';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { say } from '../../tools/testing/say.ts';
import { useDatabase, useRedis } from '../../tools/testing/test-env.ts';
import { waitFor } from '../../tools/testing/wait.ts';
import { createJobRow, isFinished, makeClip, useTempDir, waitForJob, type JobWatch } from './fixtures.ts';
import { CancelOutcome, JobStore, Operation, VideoQueue, VideoWorker, type JobProgressUpdate, type VideoWorkerOptions } from './index.ts';
import { rejected } from '../../tools/testing/settled.ts';

// Each test chains several waits, each with its own deadline and a message naming what did not
// happen; the file's test limit covers their sum, so on a loaded machine those messages, not the
// project's bare 20 s testTimeout, say what went wrong. (The watchdog reads each test's own limit.)
vi.setConfig({ testTimeout: 60_000 });

/** A failure message in the learner's language, naming the file and the lesson step. */
const hint = (en: string, ko: string) => say({ en: `🚨 worker.ts (step 5): ${en}`, ko: `🚨 worker.ts (5단계): ${ko}` });

const db = useDatabase();
const redis = useRedis();
const tmp = useTempDir();
let clip: string;
let longClip: string;

beforeAll(async () => {
  [clip, longClip] = await Promise.all([
    makeClip(tmp.file('clip.mp4'), { seconds: 2 }),
    makeClip(tmp.file('long clip.mp4'), { seconds: 30 }),
  ]);
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
  const watch: JobWatch = { prisma: db.prisma, redis: redis.client, prefix: config.prefix, name: config.name };
  const updates: JobProgressUpdate[] = [];
  async function worker(options: Partial<VideoWorkerOptions> = {}): Promise<VideoWorker> {
    const w = await VideoWorker.start({ ...config, store, onUpdate: (u) => updates.push(u), ...options });
    open.push(w);
    return w;
  }
  return { queue, store, updates, worker, watch };
}

const rowOf = (jobId: number) => db.prisma.job.findUniqueOrThrow({ where: { id: jobId } });
/** Waits for a final row; fails at once when BullMQ is done with the job first (waitForJob). */
const finished = (watch: JobWatch, jobId: number, message: string) => waitForJob(watch, jobId, isFinished, { timeoutMs: 20_000, message });

describe('durable queue', () => {
  it('runs a queued transcode to completed: the row at 100 % and the owner told in order, throttled, final state last', async () => {
    const { queue, updates, worker, watch } = setup();
    const { jobId, ownerId } = await createJobRow(db.prisma);
    const output = tmp.file(`out-${jobId}.mp4`);
    await worker({ progressIntervalMs: 100, readrate: 4 }); // 2 s of video in about 0.5 s: a few progress blocks

    await queue.enqueue({ jobId, ownerId, operation: Operation.TRANSCODE_480P, input: clip, output });
    await finished(
      watch,
      jobId,
      hint(
        'the job never finished: does VideoQueue.enqueue (job-queue.ts) add it, and #process claim, run and complete it?',
        '작업이 끝나지 않았습니다: VideoQueue.enqueue(job-queue.ts)가 넣고, #process가 claim, 실행, complete를 하나요?',
      ),
    );

    const row = await rowOf(jobId);
    expect(
      [row.status, row.progress, row.attempts, row.outputPath],
      hint(
        'the row ends completed at 100 %, attempts 1, with the output path',
        '행은 completed, 100 %, attempts 1, 출력 경로로 끝나야 합니다',
      ),
    ).toEqual(['completed', 100, 1, output]);
    await access(output);
    const mine = updates.filter((u) => u.jobId === jobId);
    expect(
      mine.every((u) => u.ownerId === ownerId),
      hint('every update names the owner (ownerId from the row)', '모든 업데이트에 주인(행의 ownerId)이 있어야 합니다'),
    ).toBe(true);
    expect(
      mine.at(-1),
      hint(
        'the final state is always delivered, last: #emit after complete',
        '마지막 상태는 항상, 마지막에 전달됩니다: complete 뒤에 #emit',
      ),
    ).toMatchObject({ status: 'completed', progress: 100 });
    expect(
      mine.map((u) => u.version),
      hint('versions grow: emit in the order of the writes', 'version이 커져야 합니다: 쓴 순서대로 알리세요'),
    ).toEqual([...mine.map((u) => u.version)].sort((a, b) => a - b));
    expect(
      new Set(mine.map((u) => u.version)).size,
      hint('one update per write: no write, no update', '쓰기 하나에 업데이트 하나: 안 썼으면 알리지 않기'),
    ).toBe(mine.length);
    expect(
      mine.length,
      hint(
        'throttled: at most one progress write per progressIntervalMs, not one per ffmpeg block',
        '조절: ffmpeg 블록마다가 아니라 progressIntervalMs마다 많아야 한 번',
      ),
    ).toBeLessThanOrEqual(12);
  });

  it('fails bad media at once, without retrying it', async () => {
    const { queue, worker, watch } = setup({ attempts: 3, backoffMs: 10 });
    const { jobId, ownerId } = await createJobRow(db.prisma);
    const bad = tmp.file(`bad-${jobId}.mp4`);
    await writeFile(bad, 'not a video');
    await worker();

    await queue.enqueue({ jobId, ownerId, operation: Operation.TRANSCODE_480P, input: bad, output: tmp.file(`never-${jobId}.mp4`) });
    await finished(
      watch,
      jobId,
      hint(
        'a job on bad media never reached failed: #failed should store.fail it',
        '잘못된 미디어 작업이 failed가 되지 않았습니다: #failed가 store.fail 해야 합니다',
      ),
    );

    const row = await rowOf(jobId);
    expect(
      [row.status, row.attempts],
      hint(
        'bad media: failed after ONE attempt (return an UnrecoverableError from #failed)',
        '잘못된 미디어: 한 번 시도하고 failed (#failed에서 UnrecoverableError를 돌려주세요)',
      ),
    ).toEqual(['failed', 1]);
    expect(row.error, hint("the row's error is the probe's message", '행의 error는 probe의 메시지입니다')).toMatch(/not a usable video/i);
  });

  it('retries a transient failure with backoff, and the row counts the attempts', async () => {
    const { queue, store, worker, watch } = setup({ attempts: 3, backoffMs: 300 });
    const { jobId, ownerId } = await createJobRow(db.prisma);
    const dir = tmp.file(`later-${jobId}`); // not there yet: like a disk that is not mounted
    await worker();

    await queue.enqueue({ jobId, ownerId, operation: Operation.THUMBNAIL, input: clip, output: `${dir}/thumb.jpg` });
    await waitForJob(watch, jobId, (row) => row.error?.includes('attempt 1 failed') ?? false, {
      timeoutMs: 10_000,
      message: hint(
        'the first attempt should fail and leave "attempt 1 failed, retrying" in the row (store.retrying)',
        '첫 시도가 실패하고 행에 "attempt 1 failed, retrying"을 남겨야 합니다(store.retrying)',
      ),
    });
    expect(
      (await store.get(jobId)).status,
      hint('between attempts the row is pending (store.retrying)', '시도 사이에 행은 pending입니다(store.retrying)'),
    ).toBe('pending');
    await mkdir(dir);
    await finished(
      watch,
      jobId,
      hint(
        'the retried job never finished: the retry must claim the row again',
        '재시도한 작업이 끝나지 않았습니다: 재시도는 행을 다시 claim해야 합니다',
      ),
    );

    const row = await rowOf(jobId);
    expect(
      [row.status, row.attempts, row.error],
      hint('the second attempt completes: attempts 2, the error cleared', '두 번째 시도가 완료됩니다: attempts 2, error는 지워짐'),
    ).toEqual(['completed', 2, null]);
  });

  it('cancels a running job on whichever worker runs it: ffmpeg stops, no output, no retry', async () => {
    const { queue, worker, watch } = setup({ attempts: 3 });
    const { jobId, ownerId } = await createJobRow(db.prisma);
    const dir = tmp.file(`cancel-${jobId}`);
    await mkdir(dir);
    await Promise.all([worker({ readrate: 1, progressIntervalMs: 50 }), worker({ readrate: 1, progressIntervalMs: 50 })]);
    await queue.enqueue({ jobId, ownerId, operation: Operation.TRANSCODE_480P, input: longClip, output: `${dir}/out.mp4` });
    await waitForJob(watch, jobId, (row) => row.progress > 0, {
      timeoutMs: 10_000,
      message: hint(
        'the job never started moving: write progress through the ProgressWriter',
        '작업이 움직이지 않았습니다: ProgressWriter로 진행률을 쓰세요',
      ),
    });

    // Only the message this time (the row is not touched first, as the API would): the worker
    // running the job must hear it on the cancel channel and abort it with worker.cancelJob.
    const outcome = await queue.cancel(jobId);
    await waitFor(async () => (await readdir(dir)).length === 0 && (await queue.counts()).failed === 1, {
      timeoutMs: 10_000,
      message: hint(
        'the worker running the job should abort it (cancel channel → worker.cancelJob) and the runner delete the partial file',
        '작업을 돌리는 워커가 중단하고(취소 채널 → worker.cancelJob) 러너가 부분 파일을 지워야 합니다',
      ),
    });

    expect(
      outcome,
      hint(
        'a running job cannot be removed (remove answers 0): cancel() publishes and answers SIGNALLED (job-queue.ts)',
        '도는 작업은 지울 수 없습니다(remove가 0): cancel()은 발행하고 SIGNALLED를 돌려줍니다(job-queue.ts)',
      ),
    ).toBe(CancelOutcome.SIGNALLED);
    const row = await rowOf(jobId);
    expect(
      [row.status, row.attempts],
      hint(
        'cancelled, and not retried: a cancel is an UnrecoverableError too',
        '취소되고 재시도되지 않아야 합니다: 취소도 UnrecoverableError입니다',
      ),
    ).toEqual(['cancelled', 1]);
    expect((await queue.counts()).active, hint('nothing left running in BullMQ', 'BullMQ에 도는 것이 남지 않아야 합니다')).toBe(0);
  });

  it('cancels a job that has not started: it leaves the queue and never runs', async () => {
    const { queue, store, worker } = setup();
    const { jobId, ownerId } = await createJobRow(db.prisma);
    await queue.enqueue({ jobId, ownerId, operation: Operation.THUMBNAIL, input: clip, output: tmp.file(`never-${jobId}.jpg`) });

    await store.cancel(jobId);
    const outcome = await queue.cancel(jobId);
    const w = await worker();
    await w.close();

    expect(
      outcome,
      hint(
        'a waiting job is removed (remove answers 1): REMOVED (job-queue.ts)',
        '기다리는 작업은 지워집니다(remove가 1): REMOVED (job-queue.ts)',
      ),
    ).toBe(CancelOutcome.REMOVED);
    expect(
      (await rowOf(jobId)).attempts,
      hint(
        'no worker started it: queue.remove took it out (job-queue.ts)',
        '어떤 워커도 시작하지 않았어야 합니다: queue.remove가 뺐습니다(job-queue.ts)',
      ),
    ).toBe(0);
    (await rejected(
      access(tmp.file(`never-${jobId}.jpg`)),
      hint('a removed job writes no output', '지운 작업은 출력을 쓰지 않습니다'),
    )).toBeInstanceOf(Error);
  });

  it('runs a job once when it is enqueued twice and two workers race for it', async () => {
    const { queue, updates, worker, watch } = setup();
    const { jobId, ownerId } = await createJobRow(db.prisma);
    const data = { jobId, ownerId, operation: Operation.THUMBNAIL, input: clip, output: tmp.file(`race-${jobId}.jpg`) };

    await Promise.all([queue.enqueue(data), queue.enqueue(data)]);
    await Promise.all([worker(), worker()]);
    await finished(watch, jobId, hint('the job never finished', '작업이 끝나지 않았습니다'));

    const row = await rowOf(jobId);
    expect(
      [row.status, row.attempts],
      hint('enqueued twice, two workers: it runs once (attempts 1)', '두 번 넣고 워커가 둘: 한 번만 돕니다(attempts 1)'),
    ).toEqual(['completed', 1]);
    expect(
      updates.filter((u) => u.jobId === jobId && u.status === 'completed'),
      hint(
        'completed exactly once: jobId: bullJobId(row) makes the second enqueue a no-op (job-queue.ts)',
        '정확히 한 번 완료: jobId: bullJobId(행)이면 두 번째 enqueue는 아무 일도 안 합니다(job-queue.ts)',
      ),
    ).toHaveLength(1);
  });

  it('close() puts a running job back in the queue instead of cancelling it; the next worker finishes it', async () => {
    const { queue, worker, watch } = setup();
    const { jobId, ownerId } = await createJobRow(db.prisma);
    const first = await worker({ readrate: 1, progressIntervalMs: 50 });
    await queue.enqueue({ jobId, ownerId, operation: Operation.TRANSCODE_480P, input: clip, output: tmp.file(`resume-${jobId}.mp4`) });
    await waitForJob(watch, jobId, (row) => row.progress > 0, {
      timeoutMs: 10_000,
      message: hint(
        'the job never started moving: write progress through the ProgressWriter',
        '작업이 움직이지 않았습니다: ProgressWriter로 진행률을 쓰세요',
      ),
    });

    await first.close();
    expect(
      (await rowOf(jobId)).status,
      hint(
        'a worker shutting down is not a cancel: SHUTDOWN puts the row back to pending',
        '워커 종료는 취소가 아닙니다: SHUTDOWN이면 행을 pending으로 되돌리세요',
      ),
    ).toBe('pending');
    await worker();
    await finished(
      watch,
      jobId,
      hint(
        'the interrupted job never finished on the next worker: on SHUTDOWN, job.moveToWait(token) and return a WaitingError',
        '중단된 작업이 다음 워커에서 끝나지 않았습니다: SHUTDOWN이면 job.moveToWait(token) 후 WaitingError를 돌려주세요',
      ),
    );

    expect((await rowOf(jobId)).status, hint('the next worker completes it', '다음 워커가 완료합니다')).toBe('completed');
  });
});
