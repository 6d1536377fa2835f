// What a vitest run means for the workbook, as plain data: every test's verdict, and every
// problem that is NOT a test verdict (services missing, a file that does not load, an error thrown
// outside any test). The CLI, the grader and `npm test` all read this shape, never vitest's objects.
import { stripVTControlCharacters } from 'node:util';
import { TEST_FILE } from '../labs/meta.ts';
import path from 'node:path';
import type { Timings } from './timings.ts';
import type { SerializedError, TestCase, TestModule, TestSuite } from 'vitest/node';

export const TestState = { PASSED: 'passed', FAILED: 'failed', SKIPPED: 'skipped' } as const;
export type TestState = (typeof TestState)[keyof typeof TestState];

export const ProblemKind = {
  /** The harness could not start: services missing or unreachable, global setup threw. */
  SETUP: 'setup',
  /** A test file could not be loaded: a syntax error, a missing export or file, an import that throws. */
  LOAD: 'load',
  /** A hook of the harness failed (creating the test database, connecting to Redis). */
  HOOK: 'hook',
  /** An error thrown outside any test (a promise nobody awaited, an 'error' event with no listener). */
  UNHANDLED: 'unhandled',
} as const;
export type ProblemKind = (typeof ProblemKind)[keyof typeof ProblemKind];

export interface SourceLocation {
  /** Relative to the run's root, with forward slashes. */
  file: string;
  line: number;
  column: number;
}

export interface TestFailure {
  /** The assertion message (the learner-facing text the test gave, then what vitest saw). */
  message: string;
  expected?: string;
  actual?: string;
  /** vitest's `- Expected / + Received` diff, for values that span several lines. */
  diff?: string;
  /** The first place in a lab or solution source file (not a test file) the error passed through. */
  source?: SourceLocation;
  /** Where in the test file it failed. */
  testLine?: number;
  /** True when the test never ran because a `beforeAll` hook of its suite threw. */
  inHook?: boolean;
  /**
   * The watchdog stopped the test worker (tools/runner/watchdog.ts): `stuck` for the test (or
   * hook) that never finished, `not-run` for the tests of the file it took with it.
   */
  stopped?: 'stuck' | 'not-run';
}

export interface TestOutcome {
  /** The vitest project that ran it (`starter`, `solution`, `tools`, `app`). */
  project?: string;
  /** Lab folder name (`01-sql-basics`), or null for files outside labs/. */
  lab: string | null;
  /** Test file, relative to the root. */
  file: string;
  name: string;
  /** `describe > describe > test`. */
  fullName: string;
  /** Title of the top-level `describe` the test is in (lab.json `points` are keyed by it). */
  group: string | null;
  state: TestState;
  line?: number;
  durationMs: number;
  failure?: TestFailure;
}

export interface Problem {
  kind: ProblemKind;
  /**
   * The vitest project it came from; absent when vitest does not say (an error thrown outside any
   * test of a run of several projects whose files have the same path, e.g. starter and solution).
   */
  project?: string;
  lab: string | null;
  /** Relative to the root. */
  file?: string;
  message: string;
  /** Stack frames in the workbook's own files, if any. */
  where?: string[];
}

export interface RunReport {
  project: string;
  root: string;
  tests: TestOutcome[];
  problems: Problem[];
  durationMs: number;
  /** Where the time went (phases and files); absent when the run never reached its end. */
  timings?: Timings;
}

// Errors whose stack passes through these folders come from the workbook's harness, not the learner.
const HARNESS_DIRS = ['tools/testing/', 'prisma/admin.ts', 'prisma/migrate.ts'];

/** Removes colours and other terminal escape sequences (vitest's messages and diffs carry them). */
export const stripAnsi = (s: string) => stripVTControlCharacters(s);

export function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

export function relativeTo(root: string, file: string): string {
  return toPosix(path.relative(root, file.replace(/^file:\/\//, '')));
}

/** `labs/01-sql-basics/x.test.ts` -> `01-sql-basics`. */
export function labOf(relativeFile: string): string | null {
  const m = /^(?:labs|solutions)\/(\d\d-[^/]+)\//.exec(relativeFile);
  return m ? m[1]! : null;
}

/** Cleans vitest's message: no colours, no "// Object.is equality" footnote. */
export function cleanMessage(message: string): string {
  return stripAnsi(message)
    .replace(/ \/\/ Object\.is equality/g, '')
    .trim();
}

function framesOf(error: SerializedError, root: string): SourceLocation[] {
  return (error.stacks ?? [])
    .filter((frame) => frame.file)
    .map((frame) => ({ file: relativeTo(root, frame.file), line: frame.line, column: frame.column }));
}

/** The first frame in a lab's or solution's source file (where the learner should look). */
export function sourceFrame(error: SerializedError, root: string): SourceLocation | undefined {
  return framesOf(error, root).find((f) => /^(labs|solutions)\/\d\d-/.test(f.file) && !TEST_FILE.test(f.file));
}

export function isHarnessError(error: SerializedError, root: string): boolean {
  const text = `${error.stack ?? ''}\n${framesOf(error, root)
    .map((f) => f.file)
    .join('\n')}`;
  return HARNESS_DIRS.some((dir) => text.includes(dir)) || /\bWORKBOOK_/.test(String(error.code ?? ''));
}

export function toFailure(error: SerializedError & { expected?: string; actual?: string; diff?: string }, root: string, testFile: string): TestFailure {
  const testLine = framesOf(error, root).find((f) => f.file === testFile)?.line;
  const failure: TestFailure = { message: cleanMessage(error.message || String(error.name ?? 'Error')) };
  if (typeof error.expected === 'string' && typeof error.actual === 'string') {
    failure.expected = stripAnsi(error.expected);
    failure.actual = stripAnsi(error.actual);
    if (typeof error.diff === 'string' && error.diff) failure.diff = stripAnsi(error.diff);
  }
  const source = sourceFrame(error, root);
  if (source) failure.source = source;
  if (testLine !== undefined) failure.testLine = testLine;
  return failure;
}

function problemFrom(kind: ProblemKind, error: SerializedError, root: string, file?: string): Problem {
  const lab = file ? labOf(file) : null;
  const where = framesOf(error, root)
    .filter((f) => !f.file.startsWith('..') && !f.file.includes('node_modules/'))
    .map((f) => `${f.file}:${f.line}:${f.column}`);
  const problem: Problem = { kind, lab, message: cleanMessage(error.message || String(error.stack ?? error.name ?? 'Error')) };
  if (file) problem.file = file;
  if (where.length) problem.where = [...new Set(where)].slice(0, 5);
  return problem;
}

/** The chain of suites from the module down to (not including) the test. */
function suitesOf(test: TestCase): TestSuite[] {
  const chain: TestSuite[] = [];
  let parent = test.parent;
  while (parent.type === 'suite') {
    chain.unshift(parent);
    parent = parent.parent;
  }
  return chain;
}

/** Turns vitest's finished modules into outcomes and problems. */
export function collectResults(
  modules: ReadonlyArray<TestModule>,
  unhandledErrors: ReadonlyArray<SerializedError>,
  root: string,
): { tests: TestOutcome[]; problems: Problem[] } {
  const tests: TestOutcome[] = [];
  const problems: Problem[] = [];

  for (const module of modules) {
    const file = relativeTo(root, module.moduleId);
    const lab = labOf(file);
    const project = module.project.name;
    const firstProblem = problems.length;
    const allTests = [...module.children.allTests()];
    const moduleErrors = module.errors();

    if (allTests.length === 0) {
      // Nothing was collected: the file did not load (or declares no tests).
      for (const error of moduleErrors) problems.push(problemFrom(ProblemKind.LOAD, error, root, file));
      if (moduleErrors.length === 0 && module.state() !== 'skipped') {
        problems.push({ kind: ProblemKind.LOAD, lab, file, message: 'No tests found in this file.' });
      }
      for (const problem of problems.slice(firstProblem)) problem.project = project;
      continue;
    }

    // A hook error belongs to the module or a suite. If the harness threw it, the run could not
    // test anything: a problem. If the lab's own code threw it in a beforeAll, the tests it
    // guarded count as failed, with that error.
    const hookFailures = new Map<object, TestFailure>();
    const ownerErrors: Array<[object, SerializedError[]]> = [[module, moduleErrors]];
    for (const suite of module.children.allSuites()) ownerErrors.push([suite, suite.errors()]);
    for (const [owner, errors] of ownerErrors) {
      for (const error of errors) {
        if (isHarnessError(error, root)) {
          problems.push(problemFrom(ProblemKind.HOOK, error, root, file));
        } else if (!hookFailures.has(owner)) {
          hookFailures.set(owner, { ...toFailure(error, root, file), inHook: true });
        }
      }
    }

    for (const test of allTests) {
      const result = test.result();
      const suites = suitesOf(test);
      const outcome: TestOutcome = {
        project,
        lab,
        file,
        name: test.name,
        fullName: test.fullName,
        group: suites[0]?.name ?? null,
        state: result.state === 'passed' ? TestState.PASSED : result.state === 'failed' ? TestState.FAILED : TestState.SKIPPED,
        durationMs: Math.round(test.diagnostic()?.duration ?? 0),
      };
      if (test.location) outcome.line = test.location.line;
      if (result.state === 'failed' && result.errors?.[0]) {
        outcome.failure = toFailure(result.errors[0], root, file);
      } else if (outcome.state === TestState.SKIPPED && test.options.mode !== 'skip' && test.options.mode !== 'todo') {
        // Skipped without asking to be: a beforeAll of an enclosing suite (or the file) threw.
        const owner = [...suites].reverse().find((s) => hookFailures.has(s)) ?? (hookFailures.has(module) ? module : undefined);
        if (owner) {
          outcome.state = TestState.FAILED;
          outcome.failure = hookFailures.get(owner)!;
        }
      }
      tests.push(outcome);
    }

    // A hook error that failed no test (an afterAll that threw after every test passed) is still
    // worth knowing about: report it as a test failure of the lab's code, not silently.
    for (const [owner, failure] of hookFailures) {
      const used = tests.some((t) => t.failure === failure);
      if (!used) {
        problems.push({
          kind: ProblemKind.UNHANDLED,
          lab,
          file,
          message: `A hook ${owner === module ? 'of this file' : `of "${(owner as TestSuite).name}"`} threw after its tests ran: ${failure.message}`,
          ...(failure.source ? { where: [`${failure.source.file}:${failure.source.line}:${failure.source.column}`] } : {}),
        });
      }
    }
    for (const problem of problems.slice(firstProblem)) problem.project = project;
  }

  for (const error of unhandledErrors) {
    // vitest tags an error with the test file (and test) that was running when it was thrown.
    const tags = error as { VITEST_TEST_PATH?: string; VITEST_TEST_NAME?: string };
    const problem = problemFrom(ProblemKind.UNHANDLED, error, root, tags.VITEST_TEST_PATH ? relativeTo(root, tags.VITEST_TEST_PATH) : undefined);
    problem.lab ??= labOf(problem.where?.[0] ?? '');
    if (tags.VITEST_TEST_NAME) problem.message = `${problem.message}\n(thrown while "${tags.VITEST_TEST_NAME}" was running)`;
    problems.push(problem);
  }
  return { tests, problems };
}

export interface LabTally {
  lab: string;
  passed: number;
  failed: number;
  skipped: number;
  total: number;
}

/** Per-lab counts, labs in order. `total` counts passed + failed (skipped tests are not counted). */
export function tallyByLab(tests: TestOutcome[]): LabTally[] {
  const byLab = new Map<string, LabTally>();
  for (const t of tests) {
    const key = t.lab ?? '(outside labs)';
    const tally = byLab.get(key) ?? { lab: key, passed: 0, failed: 0, skipped: 0, total: 0 };
    if (t.state === TestState.PASSED) tally.passed++;
    else if (t.state === TestState.FAILED) tally.failed++;
    else tally.skipped++;
    tally.total = tally.passed + tally.failed;
    byLab.set(key, tally);
  }
  return [...byLab.values()].sort((a, b) => a.lab.localeCompare(b.lab));
}

/** One line that says what went wrong, for tables and JUnit attributes. */
export function summaryLine(message: string): string {
  const lines = stripAnsi(message)
    .split('\n')
    .map((l) => l.replace(/[╭╮╰╯─│┬]+/g, ' ').replace(/\s+/g, ' ').trim())
    .filter(Boolean);
  if (/^Transform failed/.test(lines[0] ?? '')) return lines.slice(1, 3).join(' ');
  return lines[0] ?? '';
}
