// Cache keys, built in one place. The version segment changes when the cached shape changes, so a
// deploy that reads a new shape never decodes entries written by the old code.
import { InvalidNamespaceError } from '../../solutions/05-redis-structures/index.ts';

export const CACHE_VERSION = 'v1';

export function cacheKeys(namespace: string) {
  // TODO: throw new InvalidNamespaceError(namespace) unless it is non-empty and ends with ':'
  return {
    namespace,
    user: (userId: number): string => {
      // TODO: return `${namespace}cache:${CACHE_VERSION}:user:${userId}`
      throw new Error(`TODO: keys.user(${userId}) in keys.ts`);
    },
    video: (videoId: number): string => {
      // TODO: the same shape, with "video"
      throw new Error(`TODO: keys.video(${videoId}) in keys.ts`);
    },
  } as const;
}

/** The rebuild lock of a cache key: next to it, so it lives in the same namespace. */
export const lockKeyFor = (cacheKey: string): string => {
  // TODO: return the cache key followed by ':lock'
  throw new Error(`TODO: lockKeyFor(${cacheKey}) in keys.ts`);
};

export type CacheKeys = ReturnType<typeof cacheKeys>;
