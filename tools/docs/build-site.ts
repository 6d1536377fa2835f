// Builds the docs site into a folder of the caller's choosing, in a child process.
// VitePress always stages its server bundle in docs/.vitepress/.temp and deletes it afterwards;
// giving this build a temp folder of its own lets it run while `npm run docs:build` runs too.
// That folder stays inside the project (under the gitignored cache folder): the server bundle in it
// imports `vue` and must find node_modules.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../labs/meta.ts';
import { waitFor } from '../testing/wait.ts';

const run = promisify(execFile);

/** Set by `npm test`, which builds the docs beside its tests: the browser test then serves that build instead of building again. */
export const DOCS_DIST_ENV = 'WORKBOOK_DOCS_DIST';
/** Set with DOCS_DIST_ENV: a file `npm test` writes when its build ends, DOCS_BUILT or why it failed. */
export const DOCS_READY_ENV = 'WORKBOOK_DOCS_READY';
export const DOCS_BUILT = 'built';

/**
 * Waits for `npm test`'s docs build beside this run: polls `readyFile` (every 200 ms) until it
 * exists. Rejects with the build's failure when it says one, or when nothing is written within
 * `timeoutMs` (ms; the build takes ~25 s on an idle 2-core machine, 178 s was seen beside the tests at load 12).
 */
export async function waitForPrebuiltSite(readyFile: string, timeoutMs = 300_000): Promise<void> {
  await waitFor(() => existsSync(readyFile), { timeoutMs, intervalMs: 200, message: `npm test's docs build did not finish (${readyFile} was never written)` });
  const status = readFileSync(readyFile, 'utf8');
  if (status !== DOCS_BUILT) throw new Error(`npm test's docs build failed, so there is no site to open: ${status}`);
}

const BUILD_SCRIPT = `
const { build } = await import('vitepress');
await build('docs', {
  outDir: process.env.WB_DOCS_OUT,
  onAfterConfigResolve(config) { config.tempDir = process.env.WB_DOCS_TEMP; },
});
`;

/** Runs the production build of docs/ into `outDir`; rejects with the build's output if it fails. */
export async function buildSite(outDir: string, root = ROOT): Promise<void> {
  const cacheDir = path.join(root, 'docs/.vitepress/cache');
  mkdirSync(cacheDir, { recursive: true });
  const tempDir = mkdtempSync(path.join(cacheDir, 'build-'));
  try {
    await run(process.execPath, ['--input-type=module', '-e', BUILD_SCRIPT], {
      cwd: root,
      env: { ...process.env, WB_DOCS_OUT: outDir, WB_DOCS_TEMP: tempDir, NO_COLOR: '1' },
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`The docs build failed (npm run docs:build shows the same):\n${stdout}\n${stderr}`.trim(), {
      cause: error,
    });
  } finally {
    rmSync(tempDir, { recursive: true, force: true });
  }
}
