// Every wait on Redis has a deadline. A Redis that refuses connections fails fast on its own; a
// Redis that keeps the connection open and stops answering (a hung server, a network that drops
// packets) leaves a command pending for ever, and the request that awaits it with it.
// The cache (cache.ts), lab 07's session check and the app's login throttle all call Redis
// through boundedRedis, so they share one definition of "bounded".
import { RedisTimeoutError, RedisUnavailableError } from './errors.ts';

/** The part of a node-redis client boundedRedis reads. */
export interface ReadyClient {
  /** False while the client is disconnected or reconnecting. */
  readonly isReady: boolean;
}

// #region deadline
// One timer for every pending deadline instead of a setTimeout/clearTimeout pair per call: on a
// cache hit that pair cost about a tenth of a raw GET (lesson step 7). The timer ticks every
// TICK_MS while anything is pending, so a deadline fires up to TICK_MS late, and it stops when
// nothing is pending: nothing keeps the process alive after the last call settles.
const TICK_MS = 10;
const pending = new Set<{ at: number; fail(): void }>();
let ticker: NodeJS.Timeout | undefined;

function tick(): void {
  const now = performance.now();
  for (const entry of pending) {
    if (entry.at > now) continue;
    pending.delete(entry);
    entry.fail();
  }
  if (pending.size === 0) {
    clearInterval(ticker);
    ticker = undefined;
  }
}

/**
 * `promise`, or a rejection with `onTimeout()` once `timeoutMs` have passed (up to 10 ms later),
 * whichever comes first. A settled call leaves nothing scheduled.
 */
export function withDeadline<R>(promise: Promise<R>, timeoutMs: number, onTimeout: () => Error): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    const entry = { at: performance.now() + timeoutMs, fail: () => reject(onTimeout()) };
    pending.add(entry);
    ticker ??= setInterval(tick, TICK_MS);
    promise.then(
      (value) => {
        pending.delete(entry);
        resolve(value);
      },
      (error: unknown) => {
        pending.delete(entry);
        reject(error);
      },
    );
  });
}

/**
 * Runs one Redis operation, bounded: a client that is not connected fails at once with
 * RedisUnavailableError (code REDIS_UNAVAILABLE), no answer within `timeoutMs` fails with
 * RedisTimeoutError (code REDIS_TIMEOUT). The caller decides what a failure means: the cache
 * falls back to the database, a ticket check answers 503.
 */
export function boundedRedis<C extends ReadyClient, R>(client: C, timeoutMs: number, operation: (client: C) => Promise<R>): Promise<R> {
  if (!client.isReady) return Promise.reject(new RedisUnavailableError());
  return withDeadline(operation(client), timeoutMs, () => new RedisTimeoutError(timeoutMs));
}
// #endregion deadline
