// Test support for the crash test (and bench/video-soak.bench.ts): one VideoWorker in a process of
// its own, so the test can kill it with SIGKILL mid-job. Run with
// `node --import tsx worker-process.ts <lab index.ts> <json config>` with stdin a pipe from the
// parent. It prints "ready" on stdout once it takes jobs, and runs until it is killed or its
// parent goes away: a parent killed mid-test (a timeout, the runner's watchdog, SIGKILL) never
// kills what it started, but its end of the stdin pipe closes with it, and this process follows
// (as lab 10's instance.ts does) instead of running on and taking the next test's jobs.
import { appendFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { createClient } from 'redis';
import { createPrismaClient } from '../../prisma/client.ts';
import type * as Lab from './index.ts';

interface Config {
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
  name: string;
  lockDurationMs: number;
  stalledIntervalMs: number;
  readrate?: number;
  /** @default 1 */
  concurrency?: number;
  /** Every job this worker saw finish as completed is appended here, one row id a line (the soak counts runs). */
  completedLog?: string;
}

const [indexPath, json] = process.argv.slice(2);
const config = JSON.parse(json!) as Config;
const lab = (await import(pathToFileURL(indexPath!).href)) as typeof Lab;
const redis = createClient({ url: config.redisUrl });
redis.on('error', () => {});
await redis.connect();
const worker = await lab.VideoWorker.start({
  connection: redis as Parameters<typeof lab.VideoWorker.start>[0]['connection'],
  prefix: config.prefix,
  name: config.name,
  store: new lab.JobStore(createPrismaClient(config.databaseUrl)),
  lockDurationMs: config.lockDurationMs,
  stalledIntervalMs: config.stalledIntervalMs,
  readrate: config.readrate,
  concurrency: config.concurrency ?? 1,
  progressIntervalMs: 50,
  onUpdate: (update) => {
    // Synchronous: a line written before a SIGKILL is in the file.
    if (config.completedLog && update.status === 'completed') appendFileSync(config.completedLog, `${update.jobId}\n`);
  },
});
process.stdout.write('ready\n');

// The parent is gone: close the worker (its running job goes back to the queue, ffmpeg is
// stopped), but exit within a few seconds whatever close() does.
process.stdin.on('end', () => {
  setTimeout(() => process.exit(0), 5000).unref();
  void worker.close().finally(() => process.exit(0));
});
process.stdin.resume();
