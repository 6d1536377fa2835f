// A learner's endless loop, run for real: a forked vitest worker spins in `while (true) {}`, the
// watchdog kills it from outside, the run goes on with the other files, and the report names the
// test that was running. A throwaway vitest root with 300 ms timeouts keeps this fast.
import { afterAll, beforeAll, describe, expect, onTestFinished, test } from 'vitest';
import { type LoopRoot, makeLoopRoot } from './loop-root.ts';
import { ProblemKind, TestState, type RunReport } from './results.ts';
import { runVitest, watchVitest } from './run-vitest.ts';
import { GRACE_MS, limitOf } from './watchdog.ts';

let root: string;
let write: LoopRoot['write'];
let remove: () => void;

beforeAll(() => {
  ({ root, write, remove } = makeLoopRoot('workbook-loop-'));
  write(
    'labs/01-loop/spin.test.ts',
    [
      "import { expect, test } from 'vitest';",
      "import { spin } from './spin.ts';",
      "test('passes first', () => expect(1).toBe(1));",
      "test('spins', () => expect(spin()).toBe(1));",
      "test('comes after', () => expect(1).toBe(1));",
      '',
    ].join('\n'),
  );
  write('labs/01-loop/other.test.ts', "import { expect, test } from 'vitest';\ntest('other file', () => expect(2).toBe(2));\n");
  write('labs/02-load/top.ts', 'let n = 0;\nwhile (true) n++;\nexport const never = n;\n');
  write(
    'labs/02-load/top.test.ts',
    "import { expect, test } from 'vitest';\nimport { never } from './top.ts';\ntest('never runs', () => expect(never).toBe(0));\n",
  );
});

afterAll(() => remove());

describe('limitOf', () => {
  const limits = { testMs: 20_000, hookMs: 30_000 };
  test("a test's own timeout replaces the project's (a long crash-recovery test is not killed at the project's 20 s)", () => {
    expect(limitOf('test', limits)).toBe(20_000 + GRACE_MS);
    expect(limitOf('test', limits, 90_000)).toBe(90_000 + GRACE_MS);
    expect(limitOf('hook', limits, 90_000)).toBe(30_000 + GRACE_MS);
    expect(limitOf('idle', limits)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('the watchdog', () => {
  test('kills a worker stuck in a loop, names the running test and goes on with the other files', async () => {
    const report = await runVitest({ root, project: 'starter' });
    const byName = new Map(report.tests.map((t) => [t.name, t]));
    expect(byName.get('passes first')?.state).toBe(TestState.PASSED);
    expect(byName.get('spins')?.state).toBe(TestState.FAILED);
    expect(byName.get('spins')?.failure?.message).toMatch(
      /"spins" (did not finish within|kept its test worker busy for) \d+ s.*loop that never yields/s,
    );
    expect(byName.get('comes after')?.failure?.message).toMatch(/not run: .*"spins" never finished/);
    expect([byName.get('spins')?.failure?.stopped, byName.get('comes after')?.failure?.stopped]).toEqual(['stuck', 'not-run']);
    expect(byName.get('other file')?.state).toBe(TestState.PASSED);
    // A loop at a module's top level: the file becomes a load problem the grader counts as failed.
    expect(report.problems).toEqual([
      expect.objectContaining({
        kind: ProblemKind.LOAD,
        lab: '02-load',
        file: 'labs/02-load/top.test.ts',
        message: expect.stringMatching(/loading this test file.*loop/s),
      }),
    ]);
  });

  test('in watch mode, saving the fixed file runs again and passes', async () => {
    const reports: RunReport[] = [];
    const stop = new AbortController();
    onTestFinished(() => stop.abort());
    const problem = await watchVitest({
      root,
      project: 'starter',
      filters: ['labs/01-loop/'],
      signal: stop.signal,
      onRunEnd: (r) => reports.push(r),
    });
    expect(problem).toBeNull();
    expect(reports[0]?.tests.find((t) => t.name === 'spins')?.state).toBe(TestState.FAILED);
    write('labs/01-loop/spin.ts', 'export function spin(): number {\n  return 1;\n}\n');
    await expect.poll(() => reports.length, { timeout: 20_000 }).toBeGreaterThan(1);
    expect(reports.at(-1)?.tests.every((t) => t.state === TestState.PASSED)).toBe(true);
  });
});
