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
    // TODO: while reconnecting, reject commands at once instead of queueing them until Redis returns
    disableOfflineQueue: false,
    socket: {
      // TODO: options.connectTimeoutMs, defaulting to 1000
      connectTimeout: 5000,
      // TODO: wait 50 ms, doubling with each retry (50 * 2 ** retries), at most maxDelay; never return false
      reconnectStrategy: (retries: number) => Math.min(retries * 50, 500),
    },
  } satisfies RedisClientOptions;
}
