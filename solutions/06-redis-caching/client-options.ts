// How to configure the node-redis client that a cache uses. A cache is an optimisation: when Redis
// is away, requests should go to the database at once, not wait for Redis to come back.
import type { RedisClientOptions } from 'redis';

export interface CacheClientOptions {
  /** Give up on a connection attempt after this long. @default 1000 */
  connectTimeoutMs?: number;
  /** The longest pause between reconnection attempts. @default 2000 */
  maxReconnectDelayMs?: number;
}

// #region client-options
export function cacheClientOptions(url: string, options: CacheClientOptions = {}) {
  const maxDelay = options.maxReconnectDelayMs ?? 2000;
  return {
    url,
    // While reconnecting, reject commands at once instead of queueing them in memory until Redis
    // returns: the cache falls back to the database instead of making the request wait.
    disableOfflineQueue: true,
    socket: {
      connectTimeout: options.connectTimeoutMs ?? 1000,
      // Never give up (returning false would close the client for good); back off to maxDelay.
      reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, maxDelay),
    },
  } satisfies RedisClientOptions;
}
// #endregion client-options
