// Test support for the crash test (and bench/video-soak.bench.ts): one VideoWorker in a process of
// its own, so the test can kill it with SIGKILL mid-job. Run with
// `node --import tsx worker-process.ts <lab index.ts> <json config>`. It prints "ready" on stdout
// once it takes jobs, and runs until it is killed.
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
await lab.VideoWorker.start({
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
