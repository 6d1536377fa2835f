// What the learner reads after `npm run lab -- NN`: which behaviour failed, expected vs actual,
// which file to open; and, kept apart, set-up problems that are not a verdict on their code.
import { ProblemKind, TestState, type Problem, type RunReport, type TestOutcome } from '../runner/results.ts';
import { clip, indent, mark, style } from './style.ts';

/** How many failures get the full treatment; the rest are listed by name. */
const DETAILED = 5;

export interface FormatOptions {
  /** The lab's learner files (relative to the root), for "open:" when the stack names none. */
  learnerFiles: string[];
  /** Learner files a test file imports (relative to the root). */
  importsOf(testFile: string): string[];
}

export function problemTitle(problem: Problem): string {
  switch (problem.kind) {
    case ProblemKind.SETUP:
      return 'The test harness could not start';
    case ProblemKind.LOAD:
      return `${problem.file ?? 'A test file'} could not be loaded`;
    case ProblemKind.HOOK:
      return `The harness failed while preparing ${problem.file ?? 'a test file'}`;
    case ProblemKind.UNHANDLED:
      return `An error was thrown outside any test${problem.file ? ` (${problem.file})` : ''}`;
  }
}

function problemAdvice(problem: Problem): string {
  switch (problem.kind) {
    case ProblemKind.SETUP:
    case ProblemKind.HOOK:
      return 'This is a set-up problem, not a verdict on your code. `npm run lab -- doctor` checks Node, the services and the tools.';
    case ProblemKind.LOAD:
      return 'No test could run, so this is not a failed test: fix the error above (a syntax error, a missing export or a bad import in the file it names) and run again.';
    case ProblemKind.UNHANDLED:
      return 'Often a promise nobody awaited, or an `error` event with no listener, in the code under test.';
  }
}

export function formatProblem(problem: Problem): string {
  const lines = [`${mark.fail()} ${style.bold(problemTitle(problem))}`, indent(clip(problem.message, 25), 4)];
  if (problem.where?.length && problem.kind !== ProblemKind.SETUP && problem.kind !== ProblemKind.HOOK) lines.push(indent(style.dim(`at ${problem.where.join('\n   ')}`), 4));
  lines.push(indent(style.yellow(problemAdvice(problem)), 4));
  return lines.join('\n');
}

function where(test: TestOutcome, options: FormatOptions): string {
  const parts: string[] = [];
  const f = test.failure;
  if (f?.source) parts.push(`open: ${f.source.file}:${f.source.line}`);
  else {
    const candidates = options.importsOf(test.file).filter((file) => options.learnerFiles.includes(file));
    const files = candidates.length ? candidates : options.learnerFiles;
    if (files.length) parts.push(`open: ${files.join(', ')}`);
  }
  parts.push(`test: ${test.file}:${f?.testLine ?? test.line ?? 1}`);
  return style.cyan(parts.join('   '));
}

function colourDiff(diff: string): string {
  return diff
    .split('\n')
    .map((line) => (line.startsWith('-') ? style.green(line) : line.startsWith('+') ? style.red(line) : line))
    .join('\n');
}

export function formatFailure(test: TestOutcome, index: number, options: FormatOptions): string {
  const f = test.failure;
  const lines = [`${style.red(`${index})`)} ${style.bold(test.fullName.replaceAll(' > ', ' › '))}`];
  if (f?.inHook) lines.push(indent(style.dim('(a beforeAll hook of this test threw, so the test itself did not run)'), 3));
  if (f) {
    lines.push(indent(clip(f.message, 12), 3));
    if (f.expected !== undefined && f.actual !== undefined) {
      const oneLine = !f.expected.includes('\n') && !f.actual.includes('\n');
      if (oneLine) {
        lines.push(indent(`${style.green('expected:')} ${f.expected}`, 3));
        lines.push(indent(`${style.red('actual:  ')} ${f.actual}`, 3));
      } else if (f.diff) {
        lines.push(indent(colourDiff(clip(f.diff, 30)), 3));
      }
    }
  }
  lines.push(indent(where(test, options), 3));
  return lines.join('\n');
}

/** The list of test results, grouped by file. */
export function formatTestList(tests: TestOutcome[]): string {
  const byFile = new Map<string, TestOutcome[]>();
  for (const t of tests) byFile.set(t.file, [...(byFile.get(t.file) ?? []), t]);
  const out: string[] = [];
  for (const [file, fileTests] of [...byFile].sort(([a], [b]) => a.localeCompare(b))) {
    out.push(style.dim(file));
    for (const t of fileTests) {
      const m = t.state === TestState.PASSED ? mark.pass() : t.state === TestState.FAILED ? mark.fail() : mark.skip();
      out.push(`  ${m} ${t.fullName.replaceAll(' > ', ' › ')}`);
    }
  }
  return out.join('\n');
}

export interface Verdict {
  passed: number;
  failed: number;
  total: number;
  /** A problem kept the run from testing (some of) the code. */
  broken: boolean;
}

export function verdictOf(report: RunReport): Verdict {
  const passed = report.tests.filter((t) => t.state === TestState.PASSED).length;
  const failed = report.tests.filter((t) => t.state === TestState.FAILED).length;
  const broken = report.problems.some((p) => p.kind !== ProblemKind.UNHANDLED) || (report.tests.length === 0 && report.problems.length > 0);
  return { passed, failed, total: passed + failed, broken };
}

/** The full learner-facing report of one run. */
export function formatRun(report: RunReport, options: FormatOptions): string {
  const out: string[] = [];
  if (report.tests.length) out.push(formatTestList(report.tests), '');
  for (const problem of report.problems) out.push(formatProblem(problem), '');

  const failures = report.tests.filter((t) => t.state === TestState.FAILED);
  failures.slice(0, DETAILED).forEach((t, i) => out.push(formatFailure(t, i + 1, options), ''));
  if (failures.length > DETAILED) {
    const rest = failures.slice(DETAILED);
    const listed = rest.slice(0, 10).map((t) => `   - ${t.fullName.replaceAll(' > ', ' › ')}`);
    if (rest.length > 10) listed.push(`   - …and ${rest.length - 10} more`);
    out.push(style.dim(`…and ${rest.length} more failing (fix the ones above first; several often share one cause):\n${listed.join('\n')}`), '');
  }
  return out.join('\n');
}
