// Finding keys by pattern without blocking the server. `KEYS pattern` walks the whole keyspace in
// one command, and Redis runs one command at a time: on a big database every other client waits.
// `SCAN` walks it a page at a time with a cursor; other commands run between pages.
import type { RedisContext } from './context.ts';

export interface ScanOptions {
  /** How many keys Redis looks at per call (a hint, not a page size). @default 100 */
  count?: number;
}

// #region scan-keys
/**
 * Yields every key in the namespace that matches `glob` (e.g. `video:*`), one at a time.
 * Lazy: stop iterating and no more pages are fetched. SCAN may return a key more than once
 * (when the keyspace is rehashed during the walk), so callers that need uniqueness dedupe.
 */
export async function* scanKeys({ client, keys }: RedisContext, glob: string, options: ScanOptions = {}): AsyncGenerator<string> {
  // node-redis 5 yields one array of keys per SCAN reply (v4 yielded single keys).
  for await (const page of client.scanIterator({ MATCH: keys.match(glob), COUNT: options.count ?? 100 })) {
    yield* page;
  }
}
// #endregion scan-keys

// #region find-delete
/** Every matching key, once each, sorted. Fine for thousands of keys; stream with `scanKeys` beyond that. */
export async function findKeys(ctx: RedisContext, glob: string, options: ScanOptions = {}): Promise<string[]> {
  const found = new Set<string>();
  for await (const key of scanKeys(ctx, glob, options)) found.add(key);
  return [...found].sort();
}

/** Deletes every matching key, one page at a time, and returns how many were deleted. */
export async function deleteMatching(ctx: RedisContext, glob: string, options: ScanOptions = {}): Promise<number> {
  let deleted = 0;
  for await (const page of ctx.client.scanIterator({ MATCH: ctx.keys.match(glob), COUNT: options.count ?? 100 })) {
    if (page.length > 0) deleted += await ctx.client.unlink(page);
  }
  return deleted;
}
// #endregion find-delete
