// Finding keys by pattern without blocking the server. `KEYS pattern` walks the whole keyspace in
// one command, and Redis runs one command at a time: on a big database every other client waits.
// `SCAN` walks it a page at a time with a cursor; other commands run between pages.
import type { RedisContext } from './context.ts';

export interface ScanOptions {
  /** How many keys Redis looks at per call (a hint, not a page size). @default 100 */
  count?: number;
}

/**
 * Yields every key in the namespace that matches `glob` (e.g. `video:*`), one at a time.
 * Lazy: stop iterating and no more pages are fetched. SCAN may return a key more than once
 * (when the keyspace is rehashed during the walk), so callers that need uniqueness dedupe.
 */
export async function* scanKeys({ client, keys }: RedisContext, glob: string, options: ScanOptions = {}): AsyncGenerator<string> {
  // TODO: yield every key of this namespace matching `glob`, page by page with SCAN (options.count
  //       keys per call, default 100), never with KEYS. node-redis 5's iterator yields a page (an
  //       array) per reply, not one key.
  throw new Error('TODO: scanKeys in scan.ts');
}

/** Every matching key, once each, sorted. Fine for thousands of keys; stream with `scanKeys` beyond that. */
export async function findKeys(ctx: RedisContext, glob: string, options: ScanOptions = {}): Promise<string[]> {
  // TODO: every matching key once, sorted. Trap: SCAN may return the same key twice.
  throw new Error('TODO: findKeys in scan.ts');
}

/** Deletes every matching key, one page at a time, and returns how many were deleted. */
export async function deleteMatching(ctx: RedisContext, glob: string, options: ScanOptions = {}): Promise<number> {
  // TODO: delete the matching keys a page at a time (never all names in memory at once, never
  //       blocking Redis), and return how many were deleted. Trap: deleting an empty page is a
  //       syntax error in Redis.
  throw new Error('TODO: deleteMatching in scan.ts');
}
