// Cache keys, built in one place. The version segment changes when the cached shape changes, so a
// deploy that reads a new shape never decodes entries written by the old code.
import { InvalidNamespaceError } from '../../solutions/05-redis-structures/index.ts';

// v2: a value entry carries its expiresAt (entry.ts); v1 entries had none.
export const CACHE_VERSION = 'v2';

export function cacheKeys(namespace: string) {
  // TODO: refuse a namespace that could run into another one's keys (InvalidNamespaceError): it
  //       must not be empty and must end with the separator.
  return {
    namespace,
    user: (userId: number): string => {
      // TODO: the user's cache key, inside the namespace and carrying CACHE_VERSION, so entries
      //       written in an older shape are never read after a change (see the comment above).
      throw new Error(`TODO: keys.user(${userId}) in keys.ts`);
    },
    video: (videoId: number): string => {
      // TODO: the same, for a video.
      throw new Error(`TODO: keys.video(${videoId}) in keys.ts`);
    },
  } as const;
}

/** The rebuild lock of a cache key: next to it, so it lives in the same namespace. */
export const lockKeyFor = (cacheKey: string): string => {
  // TODO: the lock's key, derived from the cache key so each entry has its own lock.
  throw new Error(`TODO: lockKeyFor(${cacheKey}) in keys.ts`);
};

export type CacheKeys = ReturnType<typeof cacheKeys>;
