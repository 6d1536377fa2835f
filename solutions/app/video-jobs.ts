// The app's job runner: lab 09's BullMQ queue and workers, and the jobs rows. Every update goes
// into lab 10's relay (job-updates.ts), which takes it to the owner's sockets on any app instance.
//
//   start(): INSERT jobs (pending) ─▶ VideoQueue.enqueue
//   requeueUnfinished(), at app start: every pending/processing row ─▶ VideoQueue.enqueue (a no-op if queued)
//   cancel(): JobStore.cancel (the row decides) ─▶ VideoQueue.cancel (remove, or tell every worker)
//   VideoWorker(s) ─updatesNotifier─▶ user:<owner> stream ─▶ every app instance's relay ─▶ owner's sockets
//
// It owns a Redis connection of its own (BullMQ blocks: it must not share the app's cache client,
// whose short timeouts suit a cache, not a queue) and closes it last.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { createClient } from 'redis';
import type { RedisClient } from '../05-redis-structures/index.ts';
import type { Logger } from '../07-websocket-server/index.ts';
import { CancelOutcome, isOperation, JobStore, outputExtension, VideoQueue, VideoWorker, type JobProgressUpdate, type JobUpdate, type Operation } from '../09-video-progress/index.ts';
import type { PrismaClient } from '../../prisma/client.ts';
import { JobFinishedError, JobNotFoundError, RunnerClosedError } from './errors.ts';
import type { JobRef, JobRunner, JobState, ProgressNotifier, StartRequest } from './job-runner.ts';
import { toNotification, updatesNotifier } from './job-updates.ts';
import { sweepOrphanedParts } from './part-sweeper.ts';

export interface QueueRunnerOptions {
  prisma: PrismaClient;
  redisUrl: string;
  /** The app's Redis prefix (ends with ':'): the queue's keys and the update streams live under it. */
  redisPrefix: string;
  /** Uploads, generated clips and outputs live here (`outputs/job-<id>.mp4`). */
  mediaDir: string;
  logger: Logger;
  /** Workers in this process; 0 leaves the work to `npm run worker` processes. @default 1 */
  workers?: number;
  /** Passed to each worker (see VideoWorkerOptions). */
  worker?: { readrate?: number; progressIntervalMs?: number; lockDurationMs?: number; stalledIntervalMs?: number };
}

/** A node-redis client for BullMQ: default options (an offline queue, patient reconnects), errors logged once. */
export async function connectQueueClient(redisUrl: string, log: Logger, role: string): Promise<RedisClient> {
  const client = createClient({ url: redisUrl }) as RedisClient;
  let down = false;
  client.on('error', (error: Error) => {
    if (!down) log.warn('queue.redis_down', { role, error: error.name });
    down = true;
  });
  client.on('ready', () => {
    down = false;
  });
  await client.connect();
  return client;
}

/** Where the runner puts job outputs (`job-<id>.mp4`), and where their temporary .part files are swept. */
export const outputsDir = (mediaDir: string): string => path.join(mediaDir, 'outputs');

/** The queue's place in Redis, shared by the app and `npm run worker`. */
export const queueConfig = (client: RedisClient, redisPrefix: string) => ({ connection: client, prefix: `${redisPrefix}bull`, name: 'video' });

/**
 * Starts `count` workers that publish their updates through `notifier` (updatesNotifier) for every
 * app instance to deliver. First it sweeps the .part files a killed worker left in `outputsDir`
 * (part-sweeper.ts).
 */
export async function startWorkers(
  client: RedisClient,
  options: Pick<QueueRunnerOptions, 'prisma' | 'redisPrefix' | 'logger' | 'worker'> & { count: number; notifier: ProgressNotifier; outputsDir: string },
): Promise<VideoWorker[]> {
  const log = options.logger;
  if (options.count > 0) {
    const swept = await sweepOrphanedParts(options.outputsDir);
    if (swept.length > 0) log.info('worker.swept_parts', { directory: options.outputsDir, files: swept.length });
  }
  const onUpdate = (update: JobProgressUpdate) => options.notifier.notify(update.ownerId, toNotification(update));
  const store = new JobStore(options.prisma);
  const workers: VideoWorker[] = [];
  for (let i = 0; i < options.count; i++) {
    workers.push(
      await VideoWorker.start({
        ...queueConfig(client, options.redisPrefix),
        ...options.worker,
        store,
        onUpdate: (update: JobProgressUpdate) => {
          if (update.status !== 'processing') log.info('job.finished', { jobId: update.jobId, status: update.status, attempts: update.attempts });
          onUpdate(update);
        },
        onError: (error) => log.warn('worker.error', { error: error.name, message: error.message }),
      }),
    );
  }
  return workers;
}

export class QueueJobRunner implements JobRunner {
  readonly name: string;
  readonly #options: QueueRunnerOptions;
  readonly #client: RedisClient;
  readonly #queue: VideoQueue;
  readonly #store: JobStore;
  readonly #workers: VideoWorker[];
  readonly #notifier: ProgressNotifier;
  #closed: Promise<void> | undefined;

  private constructor(parts: {
    options: QueueRunnerOptions;
    client: RedisClient;
    queue: VideoQueue;
    workers: VideoWorker[];
    notifier: ProgressNotifier;
  }) {
    this.#options = parts.options;
    this.#client = parts.client;
    this.#queue = parts.queue;
    this.#workers = parts.workers;
    this.#notifier = parts.notifier;
    this.#store = new JobStore(parts.options.prisma);
    const n = parts.workers.length;
    this.name = `BullMQ queue "video", ${n === 0 ? 'no worker in this process (run `npm run worker`)' : `${n} worker${n === 1 ? '' : 's'} in this process`}`;
  }

  // #region start-runner
  /** Connects, then starts the in-process workers. On failure, closes what it opened. */
  static async start(options: QueueRunnerOptions): Promise<QueueJobRunner> {
    await mkdir(outputsDir(options.mediaDir), { recursive: true });
    const opened: Array<() => Promise<unknown>> = [];
    try {
      const client = await connectQueueClient(options.redisUrl, options.logger, 'queue');
      opened.push(async () => client.destroy());
      const notifier = updatesNotifier(client, options.redisPrefix, options.logger);
      opened.push(() => notifier.close());
      const queue = new VideoQueue(queueConfig(client, options.redisPrefix));
      opened.push(() => queue.close());
      const workers = await startWorkers(client, { ...options, notifier, count: options.workers ?? 1, outputsDir: outputsDir(options.mediaDir) });
      return new QueueJobRunner({ options, client, queue, workers, notifier });
    } catch (error) {
      for (const close of opened.reverse()) await close().catch(() => {});
      throw error;
    }
  }
  // #endregion start-runner

  // #region start-job
  async start(request: StartRequest): Promise<JobState> {
    if (this.#closed) throw new RunnerClosedError();
    const row = await this.#options.prisma.job.create({
      data: { videoId: request.videoId, ownerId: request.ownerId, kind: request.operation },
      select: { id: true },
    });
    try {
      await this.#queue.enqueue({ jobId: row.id, ownerId: request.ownerId, operation: request.operation, input: request.sourcePath, output: this.#outputOf(row.id, request.operation) });
    } catch (error) {
      // Not queued, so no worker will ever move it: say so in the row instead of leaving it pending forever.
      await this.#store.fail(row.id, 'could not be queued: Redis is unavailable');
      throw error;
    }
    return toState(await this.#store.get(row.id), request.operation);
  }
  // #endregion start-job

  // #region requeue
  /**
   * Puts every pending or processing job on the queue, for the rows whose queue entry is missing:
   * rows written without the runner (lab 03's demo seed), or a Redis that lost its data. A job
   * still queued, waiting for a retry or running keeps its entry: BullMQ holds one job per id and
   * adding it again does nothing, so a restart, or several instances starting at once, queue
   * nothing twice. A row whose kind is no operation fails (no worker could run it). Returns how
   * many unfinished jobs are on the queue now.
   */
  async requeueUnfinished(): Promise<number> {
    const rows = await this.#options.prisma.job.findMany({
      where: { status: { in: ['pending', 'processing'] } },
      select: { id: true, ownerId: true, kind: true, video: { select: { sourcePath: true } } },
      orderBy: { id: 'asc' },
    });
    let queued = 0;
    for (const row of rows) {
      if (!isOperation(row.kind)) {
        const failed = await this.#store.fail(row.id, `could not be queued: "${row.kind}" is not an operation`);
        if (failed) this.#notifier.notify(failed.ownerId, toNotification({ ...failed, etaMs: null }));
        continue;
      }
      await this.#queue.enqueue({ jobId: row.id, ownerId: row.ownerId, operation: row.kind, input: row.video.sourcePath, output: this.#outputOf(row.id, row.kind) });
      queued++;
    }
    return queued;
  }
  // #endregion requeue

  /** Where job `jobId` writes: `<mediaDir>/outputs/job-<id>.mp4` (or `.jpg`). */
  #outputOf(jobId: number, operation: Operation): string {
    return path.join(outputsDir(this.#options.mediaDir), `job-${jobId}${outputExtension(operation)}`);
  }

  // #region cancel-job
  async cancel(job: JobRef): Promise<JobState> {
    const cancelled = await this.#store.cancel(job.id);
    if (!cancelled) {
      const row = await this.#options.prisma.job.findUnique({ where: { id: job.id }, select: { status: true } });
      if (!row) throw new JobNotFoundError(job.id);
      throw new JobFinishedError(job.id, row.status);
    }
    // Stop the work, wherever it runs. A job still queued is gone: say so here. A running one's
    // worker aborts and reports the cancelled row itself, so notifying here too would deliver
    // the same version twice.
    if ((await this.#queue.cancel(job.id)) === CancelOutcome.REMOVED) {
      this.#notifier.notify(cancelled.ownerId, toNotification({ ...cancelled, etaMs: null })); // the owner's other tabs learn it at once
    }
    const kind = (await this.#options.prisma.job.findUniqueOrThrow({ where: { id: job.id }, select: { kind: true } })).kind;
    return toState(cancelled, kind);
  }
  // #endregion cancel-job

  close(): Promise<void> {
    this.#closed ??= (async () => {
      const errors: unknown[] = [];
      const step = async (fn: () => Promise<unknown>) => fn().catch((error: unknown) => void errors.push(error));
      // Workers first: a job running here goes back to the queue for the next worker.
      await Promise.all(this.#workers.map((w) => step(() => w.close())));
      await step(() => this.#queue.close());
      await step(() => this.#notifier.close());
      this.#client.destroy();
      if (errors.length > 0) throw new AggregateError(errors, 'the job runner did not close cleanly');
    })();
    return this.#closed;
  }
}

function toState(update: JobUpdate, kind: string): JobState {
  return { jobId: update.jobId, kind, status: update.status, progress: update.progress, version: update.version };
}

export { toNotification };
