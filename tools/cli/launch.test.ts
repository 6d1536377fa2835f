// The launcher bundles the CLI with esbuild; these run it as a learner does, in a child process.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { ROOT } from '../labs/meta.ts';

const run = promisify(execFile);
const launch = (...args: string[]) =>
  run(process.execPath, [path.join(ROOT, 'tools/cli/launch.mjs'), ...args], { cwd: ROOT, timeout: 30_000, env: { ...process.env, NO_COLOR: '1' } });

describe('tools/cli/launch.mjs', () => {
  test('the bundled CLI finds the labs where its sources are (import.meta.dirname survives bundling)', async () => {
    const { stdout } = await launch('lab', 'list');
    expect(stdout).toContain('npm run lab -- 01');
    expect(stdout).toMatch(/of \d+ labs done/);
  });

  test('an unknown lab is a usage error with exit code 2', async () => {
    const failed = await launch('lab', '99').catch((error: { code: number; stderr: string }) => error);
    expect(failed).toMatchObject({ code: 2 });
    expect((failed as { stderr: string }).stderr).toContain('There is no lab "99"');
  });

  test('an unknown CLI name prints the usage', async () => {
    const failed = await launch('nope').catch((error: { code: number; stderr: string }) => error);
    expect(failed).toMatchObject({ code: 2 });
    expect((failed as { stderr: string }).stderr).toContain('usage: node tools/cli/launch.mjs lab|grade|test-all|matrix');
  });
});
