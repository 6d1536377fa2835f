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
/**
 * `promise`, or a rejection with `onTimeout()` once `timeoutMs` have passed, whichever comes
 * first. The timer is cleared either way, so a settled call leaves nothing scheduled.
 */
export async function withDeadline<R>(promise: Promise<R>, timeoutMs: number, onTimeout: () => Error): Promise<R> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
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
