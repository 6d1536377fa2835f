// A queue that loses nothing when a consumer dies mid-job.
//
// LPOP hands a job to a consumer and forgets it: if the consumer crashes, the job is gone.
// Instead, LMOVE/BLMOVE moves the job, in one atomic step, from the queue to the consumer's own
// processing list, where it stays until the consumer acknowledges it (LREM). Each consumer also
// keeps a lease key with a TTL; a consumer that stops renewing it is dead, and `recover()` moves
// its unacknowledged jobs back to the head of the queue. Delivery is "at least once": a job can
// run twice (a consumer that was only slow), so make job handlers idempotent.
//
//   queue:render                  [job-3, job-4]          <- producers RPUSH here
//   queue:render:processing:c1    [job-2]                 <- c1 took it, not acked yet
//   queue:render:lease:c1         "1" (PX 30000)          <- gone when c1 stops renewing
import type { RedisClient, RedisContext } from './context.ts';
import { JobNotInProgressError } from './errors.ts';

export interface ReliableQueueOptions {
  /** A consumer that shows no sign of life for this long is dead, and its jobs go back to the queue. @default 30000 */
  leaseMs?: number;
}

export class ReliableQueue {
  readonly name: string;
  readonly #ctx: RedisContext;
  readonly #leaseMs: number;

  constructor(ctx: RedisContext, name: string, options: ReliableQueueOptions = {}) {
    this.#ctx = ctx;
    this.name = name;
    this.#leaseMs = options.leaseMs ?? 30_000;
  }

  /** Appends jobs (unique ids: ack finds a job by its value) and returns the queue's length. */
  async enqueue(...jobs: string[]): Promise<number> {
    // TODO: add the jobs at the back of this queue and return the new length (as list-queue.ts).
    throw new Error('TODO: ReliableQueue.enqueue in reliable-queue.ts');
  }

  /** Jobs waiting, next one first. */
  async waiting(): Promise<string[]> {
    return this.#ctx.client.lRange(this.#ctx.keys.queue(this.name), 0, -1);
  }

  /** Jobs a consumer has taken and not acknowledged, oldest first. */
  async inProgress(consumer: string): Promise<string[]> {
    return this.#ctx.client.lRange(this.#ctx.keys.processing(this.name, consumer), 0, -1);
  }

  /**
   * A consumer on its own connection. `take()` blocks that connection (BLMOVE), and a blocked
   * connection answers nobody else: never hand a consumer the client the rest of the app uses.
   */
  consumer(id: string, client: RedisClient): Consumer {
    return new Consumer(client, this.#ctx.keys, this.name, id, this.#leaseMs);
  }

  /** Moves the jobs of every dead consumer back to the head of the queue; returns them in queue order. */
  async recover(): Promise<string[]> {
    // TODO: find this queue's processing lists without blocking Redis (keys.ts builds the pattern),
    //       and for each one whose consumer's lease has expired, move its jobs back to the head of
    //       the queue, atomically one by one, keeping their original order; return them in queue
    //       order. Trap: a live consumer (its lease key still exists) keeps its jobs.
    throw new Error('TODO: ReliableQueue.recover in reliable-queue.ts');
  }
}

export class Consumer {
  readonly id: string;
  readonly #client: RedisClient;
  readonly #queue: string;
  readonly #processing: string;
  readonly #lease: string;
  readonly #leaseMs: number;

  constructor(client: RedisClient, keys: RedisContext['keys'], queueName: string, id: string, leaseMs: number) {
    this.#client = client;
    this.id = id;
    this.#queue = keys.queue(queueName);
    this.#processing = keys.processing(queueName, id);
    this.#lease = keys.consumerLease(queueName, id);
    this.#leaseMs = leaseMs;
  }

  /**
   * Takes the next job, waiting up to `timeoutSeconds` (0: don't wait), or returns null.
   * The lease is taken first and covers the wait, so a job never sits in our processing list
   * while we look dead.
   */
  async take(timeoutSeconds = 0): Promise<string | null> {
    // TODO: the next job, or null when none came within timeoutSeconds (0: don't wait). The job must
    //       never exist only in this process's memory: it moves from the queue to our processing
    //       list in one atomic step, so a crash right after leaves it where recover() finds it.
    // TODO: trap: our lease must stay alive for the whole time we may wait, not just the lease
    //       length, or a recover() elsewhere takes our jobs while we are blocked.
    throw new Error('TODO: Consumer.take in reliable-queue.ts');
  }

  /** Done with `job`: remove it from the processing list. Throws if we were not holding it. */
  async ack(job: string): Promise<void> {
    // TODO: remove one copy of the job from our processing list; a job we were not holding is
    //       JobNotInProgressError (an ack for the wrong job must not pass silently).
    throw new Error('TODO: Consumer.ack in reliable-queue.ts');
  }

  /** Call during a long job, more often than the lease runs out, to stay alive. */
  async extend(): Promise<void> {
    await this.#renew(this.#leaseMs);
  }

  async #renew(ms: number): Promise<void> {
    await this.#client.set(this.#lease, '1', { expiration: { type: 'PX', value: Math.ceil(ms) } });
  }
}
