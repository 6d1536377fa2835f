// Two loops in one test file, run for real in a throwaway vitest root with 300 ms limits (as in
// tools/runner/watchdog.test.ts): the tests after each loop still get their verdict.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type LoopRoot, makeLoopRoot } from '../runner/loop-root.ts';
import { TestState } from '../runner/results.ts';
import { runVitest } from '../runner/run-vitest.ts';
import { exactNames, rerunNotRun } from './rerun.ts';

let root: string;
let write: LoopRoot['write'];
let remove: () => void;

beforeAll(() => {
  ({ root, write, remove } = makeLoopRoot('workbook-rerun-'));
  write(
    'labs/01-loop/spin.test.ts',
    [
      "import { describe, expect, test } from 'vitest';",
      "import { spin } from './spin.ts';",
      "describe('step (1)', () => {",
      "  test('passes first', () => expect(1).toBe(1));",
      "  test('spins', () => expect(spin()).toBe(1));",
      "  test('comes after', () => expect(1).toBe(1));",
      "  test('spins again', () => expect(spin()).toBe(1));",
      "  test('fails last', () => expect(1).toBe(2));",
      '});',
      '',
    ].join('\n'),
  );
});

afterAll(() => remove());

describe('rerunNotRun', () => {
  test("runs the tests a stopped worker took with it again, past each loop, until the file's end", async () => {
    const first = await runVitest({ root, project: 'starter' });

    const report = await rerunNotRun(first, (file, testNamePattern) => runVitest({ root, project: 'starter', filters: [file], testNamePattern }));

    const verdict = Object.fromEntries(report.tests.map((t) => [t.name, [t.state, t.failure?.stopped ?? null]]));
    expect(verdict).toEqual({
      'passes first': [TestState.PASSED, null],
      spins: [TestState.FAILED, 'stuck'],
      'comes after': [TestState.PASSED, null],
      'spins again': [TestState.FAILED, 'stuck'],
      'fails last': [TestState.FAILED, null],
    });
  });

  test('exactNames matches "describe test" exactly, regex characters escaped', () => {
    const pattern = new RegExp(exactNames([{ fullName: 'step (1) > a.b' }, { fullName: 'c' }]));

    expect(['step (1) a.b', 'c'].every((name) => pattern.test(name))).toBe(true);
    expect(['step (1) aXb', 'c d', 'step (1) a.b c'].some((name) => pattern.test(name))).toBe(false);
  });
});
