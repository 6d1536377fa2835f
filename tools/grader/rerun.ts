// A test that never yields takes its whole test file down with it: the watchdog stops the worker,
// and every test of the file after it is "not run". One student's loop in one function would then
// cost the points of every later test in that file. The grader runs those tests again, in a worker
// of their own, without the stuck test; a later loop in the same file stops that worker too, so
// this repeats, a few rounds at most (each round is one more stuck test and one more time limit).
import type { RunReport, TestOutcome } from '../runner/results.ts';

/** Rounds of re-running at most: each costs a test run and, when it finds another loop, the time limit. */
export const MAX_RERUN_ROUNDS = 3;

/** Runs the tests of one file whose names match a vitest testNamePattern. */
export type RunFile = (file: string, testNamePattern: string) => Promise<RunReport>;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Pure: vitest's testNamePattern for exactly these tests. vitest matches it against the names of
 * the describe blocks and the test joined by spaces ("describe test"); TestOutcome.fullName joins
 * them with " > ".
 */
export function exactNames(tests: Pick<TestOutcome, 'fullName'>[]): string {
  return `^(?:${tests.map((t) => t.fullName.split(' > ').map(escapeRegExp).join(' ')).join('|')})$`;
}

/**
 * The report with every `not-run` test (failure.stopped) run again, file by file, without the
 * tests before it; the outcomes of the re-runs replace the "not run" ones. Tests that are still
 * not run after MAX_RERUN_ROUNDS keep their "not run" failure.
 */
export async function rerunNotRun(report: RunReport, run: RunFile): Promise<RunReport> {
  let tests = report.tests;
  for (let round = 0; round < MAX_RERUN_ROUNDS; round++) {
    const notRun = tests.filter((t) => t.failure?.stopped === 'not-run');
    if (!notRun.length) break;
    const again: TestOutcome[] = [];
    for (const file of [...new Set(notRun.map((t) => t.file))]) {
      const rerun = await run(file, exactNames(notRun.filter((t) => t.file === file)));
      again.push(...rerun.tests.filter((t) => t.file === file && notRun.some((n) => n.fullName === t.fullName)));
    }
    if (!again.length) break; // the re-run found none of them: keep "not run" rather than loop
    tests = tests.map((t) => again.find((a) => a.file === t.file && a.fullName === t.fullName) ?? t);
  }
  return { ...report, tests };
}
