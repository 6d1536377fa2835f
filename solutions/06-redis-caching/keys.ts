// Cache keys, built in one place. The version segment changes when the cached shape changes, so a
// deploy that reads a new shape never decodes entries written by the old code.
import { InvalidNamespaceError } from '../../solutions/05-redis-structures/index.ts';

// v2: a value entry carries its expiresAt (entry.ts); v1 entries had none.
export const CACHE_VERSION = 'v2';

// #region keys
export function cacheKeys(namespace: string) {
  if (namespace.length === 0 || !namespace.endsWith(':')) throw new InvalidNamespaceError(namespace);
  return {
    namespace,
    user: (userId: number) => `${namespace}cache:${CACHE_VERSION}:user:${userId}`,
    video: (videoId: number) => `${namespace}cache:${CACHE_VERSION}:video:${videoId}`,
  } as const;
}

/** The rebuild lock of a cache key: next to it, so it lives in the same namespace. */
export const lockKeyFor = (cacheKey: string) => `${cacheKey}:lock`;
// #endregion keys

export type CacheKeys = ReturnType<typeof cacheKeys>;
