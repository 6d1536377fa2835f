// What the workbook's caches on disk share: the CLI bundle (tools/cli/launch.mjs) and the type check
// (typecheck.mjs) keep their result while every file they read has the same stamp; the CLI bundles,
// vitest's module cache (tools/vitest/module-cache.ts) and the test runs' folders
// (tools/testing/global-setup.ts) are removed once nothing has touched them for a while.
// Plain JavaScript: launch.mjs and typecheck.mjs run without a TypeScript loader.
import { readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * `size:mtimeMs` of a file, or 'missing' when it cannot be read.
 * @param {string} file
 * @returns {string}
 */
export function stamp(file) {
  try {
    const s = statSync(file);
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return 'missing';
  }
}

/**
 * Removes the entries of `dir` (files or folders) whose name `match` accepts and whose mtime is more
 * than `maxAgeMs` before `now` (ms). A missing `dir`, or an entry that goes away meanwhile, is not
 * an error: never throws.
 * @param {string} dir
 * @param {(name: string) => boolean} match
 * @param {number} maxAgeMs
 * @param {number} [now]
 */
export function removeStale(dir, match, maxAgeMs, now = Date.now()) {
  let names;
  try {
    names = readdirSync(dir);
  } catch {
    return; // nothing there yet
  }
  for (const name of names) {
    if (!match(name)) continue;
    const entry = path.join(dir, name);
    try {
      if (now - statSync(entry).mtimeMs > maxAgeMs) rmSync(entry, { recursive: true, force: true });
    } catch {}
  }
}
