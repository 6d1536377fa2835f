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
  // TODO: for await (const page of client.scanIterator({ MATCH: keys.match(glob), COUNT: options.count ?? 100 }))
  //       node-redis 5 yields a page (an array of keys) per SCAN reply: yield* each page
  throw new Error('TODO: scanKeys in scan.ts');
}

/** Every matching key, once each, sorted. Fine for thousands of keys; stream with `scanKeys` beyond that. */
export async function findKeys(ctx: RedisContext, glob: string, options: ScanOptions = {}): Promise<string[]> {
  // TODO: collect scanKeys(ctx, glob, options) into a Set (SCAN can repeat a key), then return it sorted
  throw new Error('TODO: findKeys in scan.ts');
}

/** Deletes every matching key, one page at a time, and returns how many were deleted. */
export async function deleteMatching(ctx: RedisContext, glob: string, options: ScanOptions = {}): Promise<number> {
  // TODO: walk client.scanIterator like scanKeys does, and UNLINK each non-empty page
  // TODO: add up what UNLINK returns and return the total
  throw new Error('TODO: deleteMatching in scan.ts');
}
