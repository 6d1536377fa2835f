// A test file that did not load ran no test, so the run alone cannot say how many points it held.
// The trusted reference answers: the trusted tests run against the trusted solutions, in a
// workspace of the trusted files alone (never the graded checkout's, never this workbook's own
// tests when --tests-from names others), and each test they hold counts as failed.
import { runVitest } from '../runner/run-vitest.ts';
import { ProblemKind, summaryLine, TestState, type Problem, type TestOutcome } from '../runner/results.ts';
import { Target } from '../vitest/target-plugin.ts';
import type { Workspace } from './workspace.ts';

/**
 * The tests of every test file a LOAD problem names, as failed outcomes ("not run: ... could not
 * be loaded (reason)"). `openReference` creates the trusted-only workspace; it is opened only when
 * a file did not load, and closed before this returns. Resolves to [] when every file loaded.
 */
export async function unloadedAsFailed(problems: readonly Problem[], openReference: () => Workspace): Promise<TestOutcome[]> {
  const unloaded = problems.filter((p) => p.kind === ProblemKind.LOAD && p.file).map((p) => p.file!);
  if (!unloaded.length) return [];
  const reference = openReference();
  let tests: TestOutcome[];
  try {
    tests = (await runVitest({ root: reference.root, project: Target.SOLUTION, filters: unloaded })).tests;
  } finally {
    reference.close();
  }
  return tests
    .filter((t) => unloaded.includes(t.file))
    .map((t) => {
      const problem = problems.find((p) => p.file === t.file)!;
      return { ...t, state: TestState.FAILED, durationMs: 0, failure: { message: `not run: ${t.file} could not be loaded (${summaryLine(problem.message)})` } };
    });
}
