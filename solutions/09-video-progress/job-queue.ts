// The durable queue, on BullMQ. Lab 05's ReliableQueue showed the primitive (BLMOVE into a
// processing list, a lease, recovery); BullMQ keeps the same promise (a job taken by a worker that
// dies goes back to the queue) and adds what a production queue needs: retries with backoff,
// delayed jobs, lock renewal, stalled-job detection, cancellation, events, and one Lua script per
// state change so no step is ever half done.
//
//   API ──enqueue──▶ Redis  <prefix>:video:wait / :active / :completed ...  ◀──take── VideoWorker(s)
//   API ──cancel───▶ PUBLISH <prefix>:video:cancel "7" ─────────────────────▶ every VideoWorker
//
// Names of everything this lab puts in Redis are built here, in one place.
import { createNodeRedisClient, Queue, type IRedisClient } from 'bullmq';
import type { RedisClient } from '../05-redis-structures/index.ts';
import type { Operation } from './presets.ts';

/** What a queued job carries. Paths are server-chosen (never from a client). */
export interface VideoJobData {
  /** The jobs row (PostgreSQL): the job's state lives there. */
  jobId: number;
  ownerId: number;
  operation: Operation;
  input: string;
  output: string;
}

export interface QueueConfig {
  /** A connected node-redis client. BullMQ uses it (through bullConnection) for commands and duplicates it for blocking reads; the caller closes it. */
  connection: RedisClient;
  /** In front of every BullMQ key, e.g. `ve:bull` (BullMQ adds the `:`). */
  prefix: string;
  /** @default 'video' */
  name?: string;
}

export interface QueueOptions extends QueueConfig {
  /** Tries per job, the first included. @default 3 */
  attempts?: number;
  /** First retry delay; doubles each time (exponential backoff). @default 1000 */
  backoffMs?: number;
}

// #region names
export const DEFAULT_QUEUE_NAME = 'video';
/** BullMQ's id for a jobs row. One id per row: adding it again while it exists is a no-op. */
export const bullJobId = (jobId: number): string => `job-${jobId}`;
/** The channel every worker listens on for "cancel job N", wherever N runs. */
export const cancelChannel = (config: Pick<QueueConfig, 'prefix' | 'name'>): string => `${config.prefix}:${config.name ?? DEFAULT_QUEUE_NAME}:cancel`;
// #endregion names

// #region connection
const adapters = new WeakMap<RedisClient, IRedisClient>();
/**
 * BullMQ's adapter for a node-redis client: ONE per client, shared by every Queue and Worker on it.
 * Given the raw client, each Queue and Worker wraps it in an adapter of its own, and each adapter
 * adds 'ready', 'error', 'end' and 'reconnecting' listeners to the client that are never removed,
 * not even by close() (bullmq 6.7 node-redis-client.js): the 11th instance prints
 * MaxListenersExceededWarning and every one leaks. On a shared adapter BullMQ adds its listeners
 * to the adapter and takes them off in close(), raising and lowering the limit as it goes.
 */
export function bullConnection(client: RedisClient): IRedisClient {
  let adapter = adapters.get(client);
  if (!adapter) {
    adapter = createNodeRedisClient(client);
    // The client's owner hears its errors; without a listener here an error with no Queue or
    // Worker open (a restart, the owner's destroy()) would throw from the adapter's emit.
    adapter.on('error', () => {});
    adapters.set(client, adapter);
  }
  return adapter;
}
// #endregion connection

export const CancelOutcome = {
  /** It was still waiting (or waiting for a retry): removed from the queue, no worker will see it. */
  REMOVED: 'removed',
  /** It is running somewhere (or about to): every worker was told, the one running it aborts it. */
  SIGNALLED: 'signalled',
} as const;
export type CancelOutcome = (typeof CancelOutcome)[keyof typeof CancelOutcome];

export class VideoQueue {
  readonly #queue: Queue<VideoJobData>;
  readonly #config: QueueConfig;
  readonly #attempts: number;
  readonly #backoffMs: number;
  #closed: Promise<void> | undefined;

  constructor(options: QueueOptions) {
    this.#config = options;
    this.#attempts = options.attempts ?? 3;
    this.#backoffMs = options.backoffMs ?? 1000;
    this.#queue = new Queue<VideoJobData>(options.name ?? DEFAULT_QUEUE_NAME, { connection: bullConnection(options.connection), prefix: options.prefix });
    this.#queue.on('error', () => {}); // connection trouble surfaces on the next call; the client reconnects
  }

  // #region enqueue
  /** Queues the job (once per jobs row: a second call for the same row while it is queued does nothing). */
  async enqueue(data: VideoJobData): Promise<void> {
    await this.#queue.add(data.operation, data, {
      jobId: bullJobId(data.jobId),
      attempts: this.#attempts,
      backoff: { type: 'exponential', delay: this.#backoffMs },
      // Redis holds the queue, not the history: PostgreSQL keeps that.
      removeOnComplete: { age: 3600, count: 1000 },
      removeOnFail: { age: 24 * 3600, count: 1000 },
    });
  }
  // #endregion enqueue

  // #region cancel
  /**
   * Takes the job out of the queue if it has not started; otherwise tells every worker to abort
   * it. The caller marks the row cancelled first (JobStore.cancel): the row decides, this only
   * stops the work.
   */
  async cancel(jobId: number): Promise<CancelOutcome> {
    // remove() refuses an active (locked) job and answers 0; a waiting or delayed one is gone for good.
    if ((await this.#queue.remove(bullJobId(jobId))) === 1) return CancelOutcome.REMOVED;
    await this.#config.connection.publish(cancelChannel(this.#config), String(jobId));
    return CancelOutcome.SIGNALLED;
  }
  // #endregion cancel

  /** BullMQ's counts (waiting, active, completed, failed, delayed, ...), for tests and a status page. */
  counts(): Promise<Record<string, number>> {
    return this.#queue.getJobCounts();
  }

  /** Stops using Redis; the connection stays open (its owner closes it). Idempotent. */
  close(): Promise<void> {
    this.#closed ??= this.#queue.close();
    return this.#closed;
  }
}
