// What a cache keyed on files compares: the CLI bundle (tools/cli/launch.mjs) and the type check
// (typecheck.mjs) each keep their result while every file they read has the same stamp.
import { statSync } from 'node:fs';

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
