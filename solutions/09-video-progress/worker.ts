// The worker: takes video jobs from the BullMQ queue and runs them with ffmpeg, keeping the jobs
// row (PostgreSQL) and the owner (onUpdate) up to date.
//
//   BullMQ Worker ─process(job, token, signal)─▶ JobStore.claim ─▶ runOperation(ffmpeg) ─▶ JobStore.complete
//        ▲                                             │ every ≥ progressIntervalMs: JobStore.progress ─▶ onUpdate
//        │ worker.cancelJob(id) aborts `signal`        ▼
//   SUBSCRIBE <prefix>:video:cancel ◀── VideoQueue.cancel (from any API instance)
//
// Failures: bad media, a missing tool or a cancel are final (UnrecoverableError: BullMQ does not
// retry); anything else is retried with backoff until the attempts run out. A worker that dies
// mid-job stops renewing the job's lock; another worker's stalled-job check puts the job back in
// the queue and it runs again (the row counts the attempt).
import { UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import type { RedisClient } from '../05-redis-structures/index.ts';
import { isPermanent, JobCancelledError } from './errors.ts';
import { runOperation } from './ffmpeg-runner.ts';
import { probe } from './probe.ts';
import { bullConnection, bullJobId, cancelChannel, DEFAULT_QUEUE_NAME, type QueueConfig, type VideoJobData } from './job-queue.ts';
import { JobStatus, type JobStore, type JobUpdate } from './job-store.ts';
import type { Progress } from './progress-parser.ts';

/** What the owner is told: the row after a write, plus the estimate of time left while it runs. */
export interface JobProgressUpdate extends JobUpdate {
  /** Milliseconds left at the current speed; null when unknown or finished. */
  etaMs: number | null;
}

export interface VideoWorkerOptions extends QueueConfig {
  store: JobStore;
  /**
   * Called after every write to a job's row, in order per job: throttled while it runs, and the
   * final state (completed, failed, cancelled) always. The app passes its ProgressNotifier here.
   * Must not throw.
   */
  onUpdate?: (update: JobProgressUpdate) => void;
  /** Jobs run at once by this worker. @default 1 */
  concurrency?: number;
  /** At most one progress write (and update) per job per this many ms. @default 250 */
  progressIntervalMs?: number;
  /** A job whose worker stops renewing its lock for this long counts as stalled. @default 30000 */
  lockDurationMs?: number;
  /** How often this worker looks for stalled jobs (its own and others'). @default 30000 */
  stalledIntervalMs?: number;
  /** @default 'ffmpeg' */
  ffmpegPath?: string;
  /** @default 'ffprobe' */
  ffprobePath?: string;
  /** ffmpeg `-readrate` (1 = real time), to watch a job move in a demo. @default unpaced */
  readrate?: number;
  /** Told about failures that are not a job's fault (a lost connection). @default ignored */
  onError?: (error: Error) => void;
}

/** The abort reason when the worker itself shuts down: the job goes back to the queue, it is not cancelled. */
export const SHUTDOWN = 'worker shutting down';
const CANCELLED = 'cancelled';

export class VideoWorker {
  readonly #worker: Worker<VideoJobData>;
  readonly #subscriber: RedisClient;
  readonly #options: VideoWorkerOptions;
  #closed: Promise<void> | undefined;

  private constructor(options: VideoWorkerOptions, subscriber: RedisClient) {
    this.#options = options;
    this.#subscriber = subscriber;
    this.#worker = new Worker<VideoJobData>(options.name ?? DEFAULT_QUEUE_NAME, (job, token, signal) => this.#process(job, token, signal), {
      connection: bullConnection(options.connection),
      prefix: options.prefix,
      concurrency: options.concurrency ?? 1,
      lockDuration: options.lockDurationMs ?? 30_000,
      stalledInterval: options.stalledIntervalMs ?? 30_000,
      autorun: false,
    });
    this.#worker.on('error', (error) => options.onError?.(error));
  }

  // #region start
  /** Subscribes to cancellations, then starts taking jobs. The caller owns `connection` and closes it after close(). */
  static async start(options: VideoWorkerOptions): Promise<VideoWorker> {
    const subscriber = options.connection.duplicate() as RedisClient; // a subscribed connection can do nothing else
    subscriber.on('error', (error: Error) => options.onError?.(error));
    await subscriber.connect();
    const worker = new VideoWorker(options, subscriber);
    await subscriber.subscribe(cancelChannel(options), (message) => worker.#cancelLocal(Number(message)));
    void worker.#worker.run().catch((error: Error) => options.onError?.(error));
    await worker.#worker.waitUntilReady();
    return worker;
  }
  // #endregion start

  /** Aborts the job if it runs on this worker; true if it did. (VideoQueue.cancel reaches every worker.) */
  #cancelLocal(jobId: number): boolean {
    return Number.isInteger(jobId) && this.#worker.cancelJob(bullJobId(jobId), CANCELLED);
  }

  // #region process
  async #process(job: Job<VideoJobData>, token: string | undefined, signal: AbortSignal | undefined): Promise<{ output: string } | { skipped: JobStatus }> {
    const { store } = this.#options;
    const data = job.data;
    const claimed = await store.claim(data.jobId, job.attemptsStarted);
    if (!claimed) {
      // Cancelled before it started, or finished by an earlier attempt: nothing to do.
      return { skipped: (await store.get(data.jobId)).status };
    }
    this.#emit(claimed, null);
    const progress = new ProgressWriter(store, data.jobId, this.#options.progressIntervalMs ?? 250, (update, etaMs) => {
      if (update) this.#emit(update, etaMs);
      // The row is no longer processing (cancelled through the API): stop, even if the cancel message was lost.
      else if (update === null) this.#cancelLocal(data.jobId);
    });
    try {
      // Probed again here, not trusted from the queue: the file may have changed or gone since it
      // was uploaded, and bad media must fail for good (no retry), not as an ffmpeg error.
      const media = await probe(data.input, { ffprobePath: this.#options.ffprobePath });
      await runOperation({
        operation: data.operation,
        input: data.input,
        output: data.output,
        media,
        signal,
        onProgress: (p) => progress.offer(p),
        ffmpegPath: this.#options.ffmpegPath,
        readrate: this.#options.readrate,
      });
      await progress.flush();
      const done = await store.complete(data.jobId, data.output);
      if (done) this.#emit(done, null);
      else this.#emit(await store.get(data.jobId), null); // cancelled in the last moment: the row says so
      return { output: data.output };
    } catch (error) {
      await progress.flush().catch(() => {}); // the run's error is the one to report
      throw await this.#failed(job, token, signal, error);
    }
  }
  // #endregion process

  // #region failed
  /** Writes the row's state after a failed run and returns what to throw to BullMQ. */
  async #failed(job: Job<VideoJobData>, token: string | undefined, signal: AbortSignal | undefined, error: unknown): Promise<Error> {
    const { store } = this.#options;
    const { jobId } = job.data;
    if (signal?.aborted && signal.reason === SHUTDOWN) {
      // Not the job's fault: back to the queue at once, without using up an attempt.
      const row = await store.retrying(jobId, 'interrupted: the worker shut down; it will run again');
      if (row) this.#emit(row, null);
      await job.moveToWait(token);
      return new WaitingError();
    }
    if (error instanceof JobCancelledError || signal?.aborted) {
      this.#emit((await store.cancel(jobId)) ?? (await store.get(jobId)), null);
      return new UnrecoverableError(`cancelled: job ${jobId}`);
    }
    const message = error instanceof Error ? error.message : String(error);
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    if (isPermanent(error) || lastAttempt) {
      const row = await store.fail(jobId, message);
      if (row) this.#emit(row, null);
      return isPermanent(error) ? new UnrecoverableError(message) : (error as Error);
    }
    const row = await store.retrying(jobId, `attempt ${job.attemptsMade + 1} failed, retrying: ${message}`);
    if (row) this.#emit(row, null);
    return error instanceof Error ? error : new Error(message);
  }
  // #endregion failed

  #emit(update: JobUpdate, etaMs: number | null): void {
    this.#options.onUpdate?.({ ...update, etaMs: update.status === JobStatus.processing ? etaMs : null });
  }

  /**
   * Stops taking jobs; a job running here is aborted and goes back to the queue (another worker,
   * or this one after a restart, runs it again). Then closes the subscription and BullMQ's own
   * connections. The `connection` passed in stays open: its owner closes it. Idempotent.
   */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      const closing = this.#worker.close(); // stop fetching first, so no new job starts after the abort
      this.#worker.cancelAllJobs(SHUTDOWN);
      await closing;
      await this.#subscriber.unsubscribe().catch(() => {});
      this.#subscriber.destroy();
    })();
    return this.#closed;
  }
}

// #region progress-writer
/**
 * Writes a job's progress to its row at most once per `intervalMs`, one write at a time and in
 * order, and reports each write's result. Intermediate values in between are dropped: the next
 * one carries the news. The final state is not its business: complete/fail/cancel write that.
 */
class ProgressWriter {
  #lastAt = Number.NEGATIVE_INFINITY;
  #chain: Promise<void> = Promise.resolve();
  #failure: unknown;

  constructor(
    private readonly store: JobStore,
    private readonly jobId: number,
    private readonly intervalMs: number,
    /** `update` is the row after the write, or null when nothing was written (not higher, or not processing any more). */
    private readonly written: (update: JobUpdate | null, etaMs: number | null) => void,
  ) {}

  offer(progress: Progress): void {
    if (progress.done) return;
    const now = performance.now();
    if (now - this.#lastAt < this.intervalMs) return;
    this.#lastAt = now;
    this.#chain = this.#chain.then(async () => {
      if (this.#failure) return;
      try {
        const update = await this.store.progress(this.jobId, progress.percent);
        if (update) this.written(update, progress.etaMs);
        else if ((await this.store.get(this.jobId)).status !== JobStatus.processing) this.written(null, null);
      } catch (error) {
        this.#failure = error; // a progress write that failed fails the job (loudly), after ffmpeg stops
      }
    });
  }

  /** Waits for the writes in flight; throws the first one that failed. */
  async flush(): Promise<void> {
    await this.#chain;
    if (this.#failure) throw this.#failure;
  }
}
// #endregion progress-writer
