// The launcher bundles the CLI with esbuild; these run it as a learner does, in a child process,
// on a progress file of their own (WORKBOOK_PROGRESS_FILE), never the checkout's .workbook/progress.json.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, test } from 'vitest';
import { listLabs, ROOT } from '../labs/meta.ts';
import { LabStatus, PROGRESS_FILE_ENV, type Progress } from './progress.ts';

const run = promisify(execFile);
const state = mkdtempSync(path.join(os.tmpdir(), 'workbook-launch-'));
afterAll(() => rmSync(state, { recursive: true, force: true }));

const launch = (progressFile: string, ...args: string[]) =>
  run(process.execPath, [path.join(ROOT, 'tools/cli/launch.mjs'), ...args], {
    cwd: ROOT,
    timeout: 60_000,
    env: { ...process.env, NO_COLOR: '1', [PROGRESS_FILE_ENV]: progressFile },
  });

describe('tools/cli/launch.mjs', () => {
  test('the bundled CLI finds the labs where its sources are (import.meta.dirname survives bundling)', async () => {
    const { stdout } = await launch(path.join(state, 'none.json'), 'lab', 'list');

    expect(stdout).toContain('Next: npm run lab -- 01');
    expect(stdout).toContain(`0 of ${listLabs().length} labs done`);
    expect(stdout).not.toMatch(/planned/i);
  });

  test('the list goes on with the lab in progress (05), not the first one not done', async () => {
    const file = path.join(state, 'lab05.json');
    const progress: Progress = {
      version: 1,
      labs: { '05-redis-structures': { status: LabStatus.FAILING, passed: 3, failed: 4, total: 7, lastRun: '2026-11-30T10:00:00.000Z' } },
    };
    writeFileSync(file, JSON.stringify(progress));

    const { stdout } = await launch(file, 'lab');

    expect(stdout).toMatch(/05 .*failing 4 of 7/);
    expect(stdout).toContain('Next: npm run lab -- 05');
  });

  test('diff shows the reference without the #region markers of the docs imports', async () => {
    const { stdout } = await launch(path.join(state, 'none.json'), 'lab', 'diff', '05');

    expect(stdout).toContain('+++ b/solutions/05-redis-structures/hashes.ts');
    expect(stdout).not.toMatch(/#(end)?region/);
  });

  test("a run of lab 12's leaky starter prints no Node warning: the leak is the test's verdict, not noise", async () => {
    const failed = await launch(path.join(state, 'lab12.json'), 'lab', '12', '--step', '1').catch((error: { code: number; stdout: string; stderr: string }) => error);

    expect(failed).toMatchObject({ code: 1 }); // the untouched starter fails LEAK 1
    const { stdout, stderr } = failed as { stdout: string; stderr: string };
    expect(stdout).toContain('LEAK 1');
    expect(`${stdout}${stderr}`).not.toContain('Possible EventEmitter memory leak detected');
  });

  test('a run with no source changed loads the bundle built before; a changed source builds again', async () => {
    const manifest = path.join(ROOT, '.workbook', 'cli', 'lab.json');
    await launch(path.join(state, 'none.json'), 'lab', 'list');
    const built = statSync(manifest).mtimeMs;

    await launch(path.join(state, 'none.json'), 'lab', 'list');
    expect(statSync(manifest).mtimeMs, 'nothing changed: no build, no new manifest').toBe(built);

    const stale = JSON.parse(readFileSync(manifest, 'utf8')) as { inputs: Record<string, string> };
    const source = path.join(ROOT, 'tools', 'cli', 'lab.ts');
    const stamp = stale.inputs[source];
    expect(stamp, 'the manifest lists the CLI entry among its sources').toMatch(/^\d+:[\d.]+$/);
    writeFileSync(manifest, JSON.stringify({ ...stale, inputs: { ...stale.inputs, [source]: '0:0' } }));
    const { stdout } = await launch(path.join(state, 'none.json'), 'lab', 'list');

    expect(stdout).toContain('Next: npm run lab -- 01');
    expect((JSON.parse(readFileSync(manifest, 'utf8')) as typeof stale).inputs[source]).toBe(stamp);
  });

  test('an unknown lab is a usage error with exit code 2', async () => {
    const failed = await launch(path.join(state, 'none.json'), 'lab', '99').catch((error: { code: number; stderr: string }) => error);

    expect(failed).toMatchObject({ code: 2 });
    expect((failed as { stderr: string }).stderr).toContain('There is no lab "99"');
  });

  test('an unknown CLI name prints the usage', async () => {
    const failed = await launch(path.join(state, 'none.json'), 'nope').catch((error: { code: number; stderr: string }) => error);

    expect(failed).toMatchObject({ code: 2 });
    expect((failed as { stderr: string }).stderr).toContain('usage: node tools/cli/launch.mjs lab|grade|test-all|matrix');
  });
});
