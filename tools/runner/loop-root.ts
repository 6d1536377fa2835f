// A throwaway vitest root for tests of the watchdog and the grader's re-runs: a real forked worker
// with 300 ms test and hook limits and the watchdog set-up file, so a learner's endless loop runs
// for real and is stopped fast.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../labs/meta.ts';

/** A temporary vitest root with a `starter` project and `labs/01-loop/spin.ts` (`while (true) {}`). */
export interface LoopRoot {
  /** Absolute path of the root. */
  root: string;
  /** Writes `text` to `file` (relative to the root), making its folders. */
  write(file: string, text: string): void;
  /** Removes the root. */
  remove(): void;
}

/** Makes a {@link LoopRoot} under the OS temp folder; `prefix` names it (e.g. `workbook-loop-`). */
export function makeLoopRoot(prefix: string): LoopRoot {
  const root = mkdtempSync(path.join(os.tmpdir(), prefix));
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  };
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(root, 'node_modules'));
  const setup = JSON.stringify(path.join(ROOT, 'tools/testing/watchdog-setup.ts'));
  write(
    'vitest.config.mjs',
    `export default { test: { projects: [{ test: { name: 'starter', include: ['labs/**/*.test.ts'], pool: 'forks', setupFiles: [${setup}], testTimeout: 300, hookTimeout: 300 } }] } };\n`,
  );
  write('labs/01-loop/spin.ts', 'export function spin(): number {\n  while (true) {}\n}\n');
  return { root, write, remove: () => rmSync(root, { recursive: true, force: true }) };
}
