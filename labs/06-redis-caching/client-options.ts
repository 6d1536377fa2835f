// How to configure the node-redis client that a cache uses. A cache is an optimisation: when Redis
// is away, requests should go to the database at once, not wait for Redis to come back.
import type { RedisClientOptions } from 'redis';

export interface CacheClientOptions {
  /** Give up on a connection attempt after this long. @default 1000 */
  connectTimeoutMs?: number;
  /** The longest pause between reconnection attempts. @default 2000 */
  maxReconnectDelayMs?: number;
}

export function cacheClientOptions(url: string, options: CacheClientOptions = {}) {
  const maxDelay = options.maxReconnectDelayMs ?? 2000;
  return {
    url,
    // TODO: while reconnecting, a command must fail at once, not wait in a queue until Redis returns.
    disableOfflineQueue: false,
    socket: {
      // TODO: give up on a connection attempt after options.connectTimeoutMs (default 1000).
      connectTimeout: 5000,
      // TODO: wait longer after each failed attempt (from 50 ms, doubling), up to maxDelay, and never
      //       give up for good: the app must reconnect whenever Redis comes back.
      reconnectStrategy: (retries: number) => Math.min(retries * 50, 500),
    },
  } satisfies RedisClientOptions;
}
