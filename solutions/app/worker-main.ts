// `npm run worker`: more video workers against the same PostgreSQL and Redis as `npm start`.
// Run as many as the machine has cores for; each takes jobs from the same BullMQ queue, and the
// updates go into lab 10's relay, and every app instance delivers them to the owners' sockets
// (job-updates.ts).
//
//   DATABASE_URL, REDIS_URL, REDIS_PREFIX   as for `npm start` (the same values, or they won't meet)
//   WORKERS        workers in this process @default 1
//   JOB_READRATE   as for `npm start`
//   MEDIA_DIR      as for `npm start`: its outputs/ directory is swept of a killed worker's .part files
import { jsonLogger } from '../07-websocket-server/index.ts';
import { createPrismaClient } from '../../prisma/client.ts';
import { redact } from '../../prisma/urls.ts';
import { appEnvOrExit } from './env.ts';
import { updatesNotifier } from './job-updates.ts';
import { connectQueueClient, outputsDir, startWorkers } from './video-jobs.ts';

const env = appEnvOrExit('npm run worker');
const databaseUrl = env.DATABASE_URL;
const redisUrl = env.REDIS_URL;
const redisPrefix = env.REDIS_PREFIX;
const count = env.WORKERS;

const prisma = createPrismaClient(databaseUrl);
const client = await connectQueueClient(redisUrl, jsonLogger, 'worker').catch((error: unknown) => {
  console.error(`npm run worker: Redis at ${redact(redisUrl)} is not reachable: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
const notifier = updatesNotifier(client, redisPrefix, jsonLogger);
const workers = await startWorkers(client, {
  prisma,
  notifier,
  redisPrefix,
  logger: jsonLogger,
  count,
  outputsDir: outputsDir(env.MEDIA_DIR),
  worker: { readrate: env.JOB_READRATE },
});
console.log(`${count} video worker${count === 1 ? '' : 's'} taking jobs from ${redact(redisUrl)} (prefix ${redisPrefix}), rows in ${redact(databaseUrl)}. Stop with Ctrl+C.`);

let stopping = false;
async function stop(signal: NodeJS.Signals): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: stopping; a running job goes back to the queue for another worker`);
  setTimeout(() => process.exit(1), 10_000).unref();
  await Promise.allSettled(workers.map((w) => w.close()));
  await notifier.close();
  client.destroy();
  await prisma.$disconnect();
  console.log('stopped');
}
process.on('SIGINT', (signal) => void stop(signal));
process.on('SIGTERM', (signal) => void stop(signal));
