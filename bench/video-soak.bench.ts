// Lab 09's soak: 1,000 real thumbnail jobs (200 with --quick) through two worker processes, each
// killed once with SIGKILL mid-run and replaced. Counted at the end, from PostgreSQL and from the
// workers' own logs: jobs lost (a row that never completed), jobs run twice (two runs that each
// finished a job as completed), and jobs that a killed worker held and another recovered.
//
// The workers are labs/09-video-progress/worker-process.ts on the solution, the same child
// process the crash test kills; short locks (2 s) make recovery quick.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient } from 'redis';
import { defineBench } from '../tools/bench/context.ts';
import { waitFor, withDeadline } from '../tools/testing/wait.ts';
import { makeClip } from '../labs/09-video-progress/fixtures.ts';
import type { RedisClient } from '../solutions/05-redis-structures/index.ts';
import { Operation, VideoQueue } from '../solutions/09-video-progress/index.ts';
import { createPrismaClient } from '../prisma/client.ts';

const WORKER = path.join(import.meta.dirname, '..', 'labs', '09-video-progress', 'worker-process.ts');
const SOLUTION = path.join(import.meta.dirname, '..', 'solutions', '09-video-progress', 'index.ts');

export default defineBench('video jobs soak: 1,000 jobs, two workers killed with SIGKILL', async (ctx) => {
  const n = ctx.quick ? 200 : 1000;
  const dir = await mkdtemp(path.join(tmpdir(), 'video-soak-'));
  const prisma = createPrismaClient(ctx.services.databaseUrl);
  const client = createClient({ url: ctx.services.redisUrl }) as RedisClient;
  client.on('error', () => {});
  await client.connect();
  const children = new Set<ChildProcess>();
  const log = path.join(dir, 'completed.log');
  const config = {
    databaseUrl: ctx.services.databaseUrl,
    redisUrl: ctx.services.redisUrl,
    prefix: `${ctx.services.redisPrefix}bull`,
    name: 'soak',
    lockDurationMs: 2000,
    stalledIntervalMs: 1000,
    concurrency: 2,
    completedLog: log,
  };
  async function startWorker(): Promise<ChildProcess> {
    const proc = spawn(process.execPath, ['--import', 'tsx', WORKER, SOLUTION, JSON.stringify(config)], {
      stdio: ['pipe', 'pipe', 'pipe'], // stdin: the child exits when it closes (worker-process.ts)
    });
    children.add(proc);
    proc.once('exit', () => children.delete(proc));
    let stderr = '';
    proc.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const ready = new Promise<void>((resolve, reject) => {
      proc.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
      proc.once('exit', (code) => reject(new Error(`a soak worker exited with ${code} before it was ready:\n${stderr}`)));
    });
    await withDeadline(ready, 30_000, 'a soak worker to get ready');
    return proc;
  }
  const completedRows = () => prisma.job.count({ where: { status: 'completed', kind: 'soak' } });
  async function killMidJob(proc: ChildProcess, afterCompleted: number): Promise<number> {
    await waitFor(async () => (await completedRows()) >= afterCompleted, {
      timeoutMs: 300_000,
      message: `${afterCompleted} jobs to complete before a kill`,
    });
    const inFlight = await prisma.job.count({ where: { status: 'processing', kind: 'soak' } });
    const exited = once(proc, 'exit');
    proc.kill('SIGKILL');
    await exited;
    return inFlight;
  }

  try {
    const clip = await makeClip(path.join(dir, 'clip.mp4'), { seconds: 1 });
    await mkdir(path.join(dir, 'out'));
    await writeFile(log, '');
    const user = await prisma.user.create({ data: { email: 'soak@example.test', name: 'Soak', passwordHash: 'x' } });
    const project = await prisma.project.create({ data: { ownerId: user.id, name: 'soak' } });
    const video = await prisma.video.create({ data: { projectId: project.id, title: 'soak clip', sourcePath: clip } });
    await prisma.job.createMany({ data: Array.from({ length: n }, () => ({ videoId: video.id, ownerId: user.id, kind: 'soak' })) });
    const ids = (await prisma.job.findMany({ where: { kind: 'soak' }, select: { id: true }, orderBy: { id: 'asc' } })).map((j) => j.id);

    const queue = new VideoQueue({ connection: client, prefix: config.prefix, name: config.name });
    let a = await startWorker();
    let b = await startWorker();
    const started = performance.now();
    for (const jobId of ids)
      await queue.enqueue({
        jobId,
        ownerId: user.id,
        operation: Operation.THUMBNAIL,
        input: clip,
        output: path.join(dir, 'out', `job-${jobId}.jpg`),
      });

    const heldAtFirstKill = await killMidJob(a, Math.round(n * 0.3));
    a = await startWorker();
    const heldAtSecondKill = await killMidJob(b, Math.round(n * 0.6));
    b = await startWorker();
    await waitFor(
      async () => (await prisma.job.count({ where: { kind: 'soak', status: { in: ['completed', 'failed', 'cancelled'] } } })) === n,
      {
        timeoutMs: 600_000,
        message: `all ${n} soak jobs to finish`,
      },
    );
    const seconds = (performance.now() - started) / 1000;

    const rows = await prisma.job.findMany({ where: { kind: 'soak' }, select: { status: true, attempts: true } });
    const runs = new Map<number, number>();
    for (const line of (await readFile(log, 'utf8')).split('\n').filter(Boolean)) runs.set(Number(line), (runs.get(Number(line)) ?? 0) + 1);
    const counts = await queue.counts();
    const outputs = (await readdir(path.join(dir, 'out'))).filter((f) => f.endsWith('.jpg')).length;
    await queue.close();
    ctx.table(`soak: ${n} thumbnail jobs, 2 worker processes (concurrency 2), each SIGKILLed once and replaced`, [
      { measure: 'jobs lost (row not completed at the end)', value: String(rows.filter((r) => r.status !== 'completed').length) },
      { measure: 'jobs run twice (finished as completed by two runs)', value: String([...runs.values()].filter((c) => c > 1).length) },
      { measure: 'rows processing at each kill (both workers)', value: `${heldAtFirstKill} + ${heldAtSecondKill}` },
      { measure: 'jobs started more than once (row attempts ≥ 2: recovered)', value: String(rows.filter((r) => r.attempts >= 2).length) },
      { measure: 'output files', value: String(outputs) },
      {
        measure: "BullMQ's counts at the end",
        value: `completed ${counts.completed ?? 0}, failed ${counts.failed ?? 0}, active ${counts.active ?? 0}, waiting ${counts.waiting ?? 0}`,
      },
      { measure: 'wall time, jobs/s', value: `${seconds.toFixed(1)} s, ${(n / seconds).toFixed(1)} jobs/s` },
    ]);
  } finally {
    for (const proc of children) proc.kill('SIGKILL');
    client.destroy();
    await prisma.$disconnect();
    await rm(dir, { recursive: true, force: true });
  }
});
