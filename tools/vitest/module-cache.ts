// vitest's module cache on disk (experimental.fsModuleCache): each file vitest transforms for a
// test run (TypeScript to JavaScript, through its plugins) is kept under .workbook/vitest-cache/,
// keyed by the file's content, the project's config and plugin names, and vitest's version; the
// next run reads it back instead of transforming again. That transform runs in the runner's
// process while the test worker waits for it: lab 04 (the generated Prisma client is 600 KB of
// TypeScript) took 13% less CPU and 18% less time with the cache, paired runs at load 14.
//
// Known limit (vitest #11246): a cached file keeps what its imports resolved to, so renaming a
// file that an unchanged file imports without its extension can leave a stale path. Every import
// here names its file with the extension, so the rename breaks that import anyway; and a changed
// package-lock.json clears the cache.
import path from 'node:path';
import { removeStale } from '../runner/disk-cache.mjs';

/** Relative to the root. */
export const MODULE_CACHE_DIR = '.workbook/vitest-cache';
/** Entries older than this are removed, so the learner's every edit does not stay on disk. */
export const MODULE_CACHE_MAX_AGE_MS = 7 * 86_400_000;

/**
 * Removes cache entries written more than `maxAgeMs` ago (an entry in use is written again the
 * next time it is needed). Never throws.
 */
export function pruneModuleCache(root: string, now = Date.now(), maxAgeMs = MODULE_CACHE_MAX_AGE_MS): void {
  // Entries only: the other files are vitest's own metadata (the lockfile's hash).
  removeStale(path.join(root, MODULE_CACHE_DIR), (name) => /^[0-9a-f]{40}$/.test(name), maxAgeMs, now);
}
