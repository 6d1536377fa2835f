// Lab 09, step 6: a worker killed with SIGKILL mid-transcode. Its lock expires, another worker's
// stalled-job check puts the job back in the queue, and it completes exactly once. And Redis
// restarted under a running job: the job finishes once, and its row ends right.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { access, readdir, readFile } from 'node:fs/promises';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { restartableRedis } from '../../tools/testing/redis-server.ts';
import { useDatabase, useRedis } from '../../tools/testing/test-env.ts';
import { withDeadline } from '../../tools/testing/wait.ts';
import { say } from '../../tools/testing/say.ts';
import { createJobRow, isFinished, makeClip, useTempDir, waitForJob } from './fixtures.ts';
import { JobStore, Operation, VideoQueue, VideoWorker, type JobProgressUpdate } from './index.ts';

/** A failure message in the learner's language, naming the file and the lesson step. */
const hint = (en: string, ko: string) => say({ en: `🚨 worker.ts (step 6): ${en}`, ko: `🚨 worker.ts (6단계): ${ko}` });

const db = useDatabase();
const redis = useRedis();
const tmp = useTempDir();
let clip: string;
let shortClip: string;
const children: ChildProcess[] = [];
const closers: Array<{ close(): Promise<void> }> = [];

// Short locks so the test does not wait 30 s for the dead worker's lock to expire.
const TIMING = { lockDurationMs: 1000, stalledIntervalMs: 500 };
// Each test's own limit covers the deadlines of its waits (each of which names what did not happen),
// so on a loaded machine those messages, not the project's bare 20 s testTimeout, say what went wrong.
const CHILD_WORKER_TEST_MS = 90_000;
const RESTART_TEST_MS = 60_000;

beforeAll(async () => {
  [clip, shortClip] = await Promise.all([
    makeClip(tmp.file('clip.mp4'), { seconds: 8 }),
    makeClip(tmp.file('short clip.mp4'), { seconds: 3 }),
  ]);
});

/** The ffmpeg processes whose command line has `matching` (a child worker's children, not ours). */
async function ffmpegPids(matching: string = tmp.path): Promise<number[]> {
  const pids: number[] = [];
  for (const pid of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(pid)) continue;
    const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmd.startsWith('ffmpeg') && cmd.includes(matching)) pids.push(Number(pid));
  }
  return pids;
}

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  for (const c of closers.reverse()) await c.close();
  // The killed worker's ffmpeg was its child, not ours: SIGKILL left it orphaned, still writing
  // its .part file. A real deployment's process supervisor kills the group; here the test does.
  for (const pid of await ffmpegPids()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // it exited between the read and the kill: nothing left to do
    }
  }
});

/** The lab's index.ts on the side under test: the child process runs outside vitest's redirection. */
function labIndex(): string {
  const side = inject('workbook').project === 'solution' ? '../../solutions/09-video-progress' : '.';
  return path.join(import.meta.dirname, side, 'index.ts');
}

async function startChildWorker(name: string): Promise<ChildProcess> {
  const config = { databaseUrl: db.url, redisUrl: redis.url, prefix: `${redis.prefix}bull`, name, readrate: 1, ...TIMING };
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(import.meta.dirname, 'worker-process.ts'), labIndex(), JSON.stringify(config)],
    {
      stdio: ['pipe', 'pipe', 'pipe'], // stdin: the child exits when it closes, i.e. when this process dies
    },
  );
  children.push(proc);
  let output = '';
  proc.stderr!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const ready = new Promise<void>((resolve, reject) => {
    proc.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
    proc.once('exit', (code) => reject(new Error(`the worker process exited with ${code} before it was ready:\n${output}`)));
  });
  await withDeadline(ready, 20_000, 'the worker process did not get ready');
  return proc;
}

describe('crash recovery', () => {
  it('a worker killed with SIGKILL mid-job: the job is recovered and completes exactly once, attempts = 2', async () => {
    const name = 'video-crash';
    const config = { connection: redis.client, prefix: `${redis.prefix}bull`, name };
    const queue = new VideoQueue(config);
    closers.push(queue);
    const { jobId, ownerId } = await createJobRow(db.prisma);
    const output = tmp.file(`out-${jobId}.mp4`);
    const child = await startChildWorker(name);
    await queue.enqueue({ jobId, ownerId, operation: Operation.TRANSCODE_480P, input: clip, output });
    const watch = { prisma: db.prisma, redis: redis.client, prefix: config.prefix, name };
    await waitForJob(watch, jobId, (row) => row.progress > 0, {
      timeoutMs: 15_000,
      message: hint(
        'the child worker never reported progress: does the queue step pass?',
        '자식 워커가 진행률을 알리지 않았습니다: 큐 단계는 통과하나요?',
      ),
    });

    child.kill('SIGKILL');
    await once(child, 'exit');
    const updates: JobProgressUpdate[] = [];
    const rescuer = await VideoWorker.start({ ...config, store: new JobStore(db.prisma), onUpdate: (u) => updates.push(u), ...TIMING });
    closers.push(rescuer);
    await waitForJob(watch, jobId, (row) => row.status === 'completed', {
      timeoutMs: 30_000,
      message: hint(
        "the killed worker's job was never recovered: pass lockDurationMs and stalledIntervalMs to BullMQ's Worker (lockDuration, stalledInterval)",
        '죽은 워커의 작업이 되살아나지 않았습니다: lockDurationMs와 stalledIntervalMs를 BullMQ Worker(lockDuration, stalledInterval)에 넘기세요',
      ),
    });

    const row = await db.prisma.job.findUniqueOrThrow({ where: { id: jobId } });
    expect(
      row.attempts,
      hint(
        'the row counts the second start: claim with job.attemptsStarted (starts, the crash included), not attemptsMade',
        '행은 두 번째 시작을 세야 합니다: attemptsMade가 아니라 job.attemptsStarted(충돌 포함 시작 횟수)로 claim 하세요',
      ),
    ).toBe(2);
    expect(
      updates.filter((u) => u.status === 'completed'),
      hint('completed exactly once', '정확히 한 번 완료'),
    ).toHaveLength(1);
    expect(
      await queue.counts(),
      hint("BullMQ's counts: one completed, nothing failed, active or waiting", 'BullMQ의 개수: 완료 하나, 실패나 진행 중이나 대기 없음'),
    ).toMatchObject({ completed: 1, failed: 0, active: 0, waiting: 0 });
    await access(output);
  }, CHILD_WORKER_TEST_MS);

  it('a worker whose parent process dies stops too: its job goes back to the queue and its ffmpeg is stopped', async () => {
    const name = 'video-orphan';
    const config = { connection: redis.client, prefix: `${redis.prefix}bull`, name };
    const queue = new VideoQueue(config);
    closers.push(queue);
    const { jobId, ownerId } = await createJobRow(db.prisma);
    const child = await startChildWorker(name);
    await queue.enqueue({ jobId, ownerId, operation: Operation.TRANSCODE_480P, input: clip, output: tmp.file(`orphan-${jobId}.mp4`) });
    const watch = { prisma: db.prisma, redis: redis.client, prefix: config.prefix, name };
    await waitForJob(watch, jobId, (row) => row.progress > 0, {
      timeoutMs: 15_000,
      message: hint('the child worker never reported progress: does the queue step pass?', '자식 워커가 진행률을 알리지 않았습니다: 큐 단계는 통과하나요?'),
    });

    // What a parent killed mid-test leaves behind: its end of the child's stdin closes.
    const exited = once(child, 'exit');
    child.stdin!.end();
    await withDeadline(
      exited,
      10_000,
      say({
        en: 'worker-process.ts kept running after its parent went away (stdin closed): it must exit, or every killed test run leaves a worker behind',
        ko: 'worker-process.ts가 부모가 사라진 뒤에도(stdin 닫힘) 계속 돌았습니다: 종료해야 합니다. 아니면 죽은 테스트 실행마다 워커가 남습니다',
      }),
    );

    expect(
      await ffmpegPids(`orphan-${jobId}.mp4`),
      say({ en: "no ffmpeg is left running from the worker's job", ko: '워커의 작업에서 남아 도는 ffmpeg가 없어야 합니다' }),
    ).toEqual([]);
    expect(
      (await db.prisma.job.findUniqueOrThrow({ where: { id: jobId } })).status,
      hint(
        'a worker shutting down is not a cancel: SHUTDOWN puts the row back to pending',
        '워커 종료는 취소가 아닙니다: SHUTDOWN이면 행을 pending으로 되돌리세요',
      ),
    ).toBe('pending');
  });

  // Two kinds of restart: a private redis-server killed and started again, which comes back EMPTY
  // (no persistence: the queue forgot the job), and the shared Redis behind a proxy that drops
  // every connection and then lets them back (a restart that kept its data, or a network cut).
  it.each(['redis-server', 'tcp-proxy'] as const)(
    'Redis restarted (%s) while a job runs: the job finishes once and its row ends completed',
    async (kind) => {
      const outage = await restartableRedis(redis.url, { kind });
      closers.push(outage);
      const client = createClient({ url: outage.url });
      client.on('error', () => {}); // it reconnects by itself; the test watches the row
      await client.connect();
      closers.push({ close: async () => client.destroy() });
      const config = { connection: client as typeof redis.client, prefix: `${redis.prefix}bull-${kind}`, name: 'video-restart' };
      const queue = new VideoQueue(config);
      closers.push(queue);
      const updates: JobProgressUpdate[] = [];
      const worker = await VideoWorker.start({
        ...config,
        store: new JobStore(db.prisma),
        onUpdate: (u) => updates.push(u),
        readrate: 1,
        progressIntervalMs: 50,
      });
      closers.push(worker);
      const { jobId, ownerId } = await createJobRow(db.prisma);
      const output = tmp.file(`restart-${kind}-${jobId}.mp4`);
      await queue.enqueue({ jobId, ownerId, operation: Operation.TRANSCODE_480P, input: shortClip, output });
      const watch = { prisma: db.prisma, redis: client, prefix: config.prefix, name: config.name };
      await waitForJob(watch, jobId, (row) => row.progress > 0, {
        timeoutMs: 15_000,
        message: hint('the job never reported progress', '작업이 진행률을 한 번도 알리지 않았습니다'),
      });

      await outage.stop();
      await outage.start();
      await waitForJob(watch, jobId, isFinished, {
        timeoutMs: 30_000,
        message: hint('the job never finished after Redis came back', 'Redis가 돌아온 뒤 작업이 끝나지 않았습니다'),
      });

      const row = await db.prisma.job.findUniqueOrThrow({ where: { id: jobId } });
      expect(
        [row.status, row.progress, row.outputPath],
        hint(
          'the row ends completed at 100 % with its output: ffmpeg does not need Redis, the row is in PostgreSQL',
          '행은 출력과 함께 100 %의 completed로 끝나야 합니다. ffmpeg에는 Redis가 필요 없고, 행은 PostgreSQL에 있습니다',
        ),
      ).toEqual(['completed', 100, output]);
      expect(row.attempts, hint('it ran once: a restart is not a crash', '한 번만 돌아야 합니다. 재시작은 충돌이 아닙니다')).toBe(1);
      expect(
        updates.filter((u) => u.jobId === jobId && u.status === 'completed'),
        hint('completed exactly once', '정확히 한 번 완료'),
      ).toHaveLength(1);
      await access(output);
    },
    RESTART_TEST_MS,
  );
});
