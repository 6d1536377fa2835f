// Runs vitest in this process (createVitest from 'vitest/node') with a reporter of our own, and
// hands back a RunReport: the workbook never parses vitest's console output.
import type { Reporter, SerializedError, TestCase, TestModule, TestSpecification } from 'vitest/node';
import { collectResults, ProblemKind, relativeTo, type Problem, type RunReport } from './results.ts';
import { performance } from 'node:perf_hooks';
import { fileTiming, markPhase, Phase, readMarks, type Timings } from './timings.ts';
import { explainStopped, Watchdog, WATCHDOG_DIR_ENV } from './watchdog.ts';
import { pruneModuleCache } from '../vitest/module-cache.ts';

export interface RunOptions {
  root: string;
  /**
   * The vitest project: `starter`, `solution`, `tools` or `app`. Several run as ONE run (npm test):
   * their files share the workers, so one project's last slow file does not leave the other core
   * idle; each test and problem says which project it came from.
   */
  project: string | string[];
  /** Path filters, e.g. `['labs/01-sql-basics/']`. @default every test file of the project */
  filters?: string[];
  /**
   * Run the files one after another in ONE worker that keeps what they import (vitest, the harness,
   * the database and Redis clients, the lab's code) from file to file: `isolate: false`,
   * `fileParallelism: false`. For one lab's few files this halves the CPU time of a run, since each
   * isolated file starts a process and imports all of that again. The files of one lab share no
   * state the tests rely on (each has its own database and Redis prefix).
   * @default false (every file in its own worker, as many workers as cores)
   */
  shareWorker?: boolean;
  /**
   * `true`: every test file in a fresh worker (vitest's isolate), whatever the project says. For
   * code that may never yield (the grader's runs of a student's files): a worker the watchdog kills
   * then takes only its own file's tests with it. @default the project's setting
   */
  isolate?: boolean;
  /**
   * How many test workers at once. npm test's files mostly wait (on servers, child processes,
   * ffmpeg), so one more than the cores keeps the cores busy. @default vitest's: cores - 1
   */
  maxWorkers?: number;
  /** Called as each test finishes (live progress). */
  onTestFinished?(test: { file: string; fullName: string; state: string }): void;
  /** Called as each test file finishes, with its counts (live progress). */
  onFileFinished?(file: { file: string; passed: number; failed: number; durationMs: number }): void;
  /** Only tests whose full name matches (vitest's testNamePattern, `-t`). */
  testNamePattern?: string;
  /** Called with `console.*` output of the tests and the code under test. */
  onConsole?(text: string, stream: 'stdout' | 'stderr'): void;
}

export interface WatchOptions extends RunOptions {
  /** Poll the file system instead of relying on file events (WSL2, network drives). */
  poll?: boolean;
  /** Called after every run, the first one and each re-run. */
  onRunEnd(report: RunReport): void;
  /** Called when a change starts a re-run, with the changed file (relative to the root). */
  onRerun?(changed: string | undefined): void;
  /** Changes to files matching these globs re-run every test of the filter. */
  rerunAllOn?: string[];
  /** Stops watching (closes vitest) when aborted; else it watches until the process ends. */
  signal?: AbortSignal;
}

/**
 * Pure: npm test's worker count for a machine with `cores` cores: one more than the cores (its files
 * mostly wait on servers, child processes and ffmpeg; vitest's default, cores - 1, is ONE worker on
 * 2 cores), at most 8 (each worker holds database and Redis connections and may start Chromium).
 * On 2 cores: 3 workers, 240 s of CPU instead of 348 s (with the lab and app files sharing workers).
 */
export function testWorkers(cores: number): number {
  return Math.min(Math.max(cores, 1) + 1, 8);
}

const projectsOf = (options: Pick<RunOptions, 'project'>): string[] => (Array.isArray(options.project) ? options.project : [options.project]);
/** RunReport.project: the project, or the run's projects joined with commas. */
const projectName = (options: Pick<RunOptions, 'project'>): string => projectsOf(options).join(',');

/** Test files (absolute) the run planned but never reported on: a worker that was killed took them with it. */
type OnEnd = (report: RunReport, notRun: string[]) => void;

function reporterFor(options: RunOptions, watchdog: Watchdog, onEnd: OnEnd, onRerun?: (changed: string | undefined) => void): Reporter {
  let started = Date.now();
  let planned: string[] = [];
  return {
    onInit(vitest) {
      // The watchdog is a backstop for a test that never yields: the most generous limits of the run's projects.
      const configs = projectsOf(options).map((name) => vitest.projects.find((p) => p.name === name)?.config ?? vitest.config);
      watchdog.setLimits({ testMs: Math.max(...configs.map((c) => c.testTimeout)), hookMs: Math.max(...configs.map((c) => c.hookTimeout)) });
    },
    onTestRunStart(specs: ReadonlyArray<TestSpecification>) {
      started = Date.now();
      planned = specs.map((s) => s.moduleId);
      watchdog.takeStopped(); // a new run: forget the previous run's stopped workers
    },
    onWatcherRerun(_files: string[], trigger?: string) {
      onRerun?.(trigger ? relativeTo(options.root, trigger) : undefined);
    },
    onTestCaseResult(test: TestCase) {
      options.onTestFinished?.({
        file: relativeTo(options.root, test.module.moduleId),
        fullName: test.fullName,
        state: test.result().state,
      });
    },
    onTestModuleEnd(module: TestModule) {
      if (!options.onFileFinished) return;
      let passed = 0;
      let failed = 0;
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
      }
      options.onFileFinished({ file: relativeTo(options.root, module.moduleId), passed, failed, durationMs: module.diagnostic().duration });
    },
    onUserConsoleLog(log) {
      options.onConsole?.(log.content, log.type);
    },
    onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>) {
      markPhase(Phase.TESTS_DONE);
      const { tests, problems } = explainStopped(collectResults(modules, unhandledErrors, options.root), watchdog.takeStopped(), options.root);
      const files = modules.map((m) => fileTiming(relativeTo(options.root, m.moduleId), m.diagnostic(), m.project.name));
      const timings: Timings = { marks: readMarks(), files, nowMs: performance.now() };
      const reported = new Set(modules.map((m) => m.moduleId));
      const notRun = [...new Set(planned)].filter((file) => !reported.has(file));
      onEnd({ project: projectName(options), root: options.root, tests, problems, durationMs: Date.now() - started, timings }, notRun);
    },
  };
}

function setupProblem(error: unknown): Problem {
  const e = error as Error & { code?: string };
  const message = e?.message ?? String(error);
  const where = (e?.stack ?? '')
    .split('\n')
    .map((line) => /\((\/[^)]+)\)|at (\/\S+)/.exec(line))
    .flatMap((m) => (m ? [m[1] ?? m[2]!] : []))
    .filter((f) => !f.includes('node_modules'))
    .slice(0, 3);
  return { kind: ProblemKind.SETUP, lab: null, message, ...(where.length ? { where } : {}) };
}

/** The watchdog of one run (or one watch session): workers learn its folder from the environment. */
function startWatchdog(): Watchdog {
  const watchdog = new Watchdog({ testMs: 20_000, hookMs: 30_000 });
  process.env[WATCHDOG_DIR_ENV] = watchdog.dir;
  return watchdog;
}

async function create(options: RunOptions & { rerunAllOn?: string[] }, reporter: Reporter, watch: boolean, poll = false) {
  const { createVitest } = await import('vitest/node');
  pruneModuleCache(options.root);
  const vitest = await createVitest(
    'test',
    {
      root: options.root,
      project: projectsOf(options),
      reporters: [reporter],
      includeTaskLocation: true,
      watch,
      // A lab with no tests yet should say so, not crash the run.
      passWithNoTests: true,
      ...(options.shareWorker ? { isolate: false, fileParallelism: false } : {}),
      ...(options.isolate !== undefined ? { isolate: options.isolate } : {}),
      ...(options.maxWorkers !== undefined ? { maxWorkers: options.maxWorkers } : {}),
      ...(options.testNamePattern !== undefined ? { testNamePattern: options.testNamePattern } : {}),
      // In watch mode, a change re-runs every test of the filter (one lab: a few seconds), so each
      // verdict covers the whole lab, not only the test files that import what changed.
      ...(watch && options.rerunAllOn ? { forceRerunTriggers: options.rerunAllOn } : {}),
    },
    poll ? { server: { watch: { usePolling: true, interval: 300 } } } : {},
  );
  markPhase(Phase.VITEST_CREATED);
  return vitest;
}

/** One run. Never throws for test failures or harness crashes: both come back in the report. */
export async function runVitest(options: RunOptions): Promise<RunReport> {
  const started = Date.now();
  let report: RunReport | undefined;
  let notRun: string[] = [];
  const watchdog = startWatchdog();
  const closeWatchdog = () => watchdog.close();
  process.once('exit', closeWatchdog); // also when a signal handler ends the process mid-run
  const reporter = reporterFor(options, watchdog, (r, files) => {
    report = r;
    notRun = files;
  });
  let vitest: Awaited<ReturnType<typeof create>> | undefined;
  try {
    vitest = await create(options, reporter, false);
    await vitest.start(options.filters ?? []);
  } catch (error) {
    const problems = [...(report?.problems ?? []), setupProblem(error)];
    report = { project: projectName(options), root: options.root, tests: report?.tests ?? [], problems, durationMs: Date.now() - started };
  } finally {
    await vitest?.close().catch(() => {});
    watchdog.close();
    process.off('exit', closeWatchdog);
    markPhase(Phase.CLOSED);
    if (report?.timings) report.timings = { ...report.timings, marks: readMarks(), nowMs: performance.now() };
  }
  process.exitCode = 0; // vitest sets it on failures; the callers decide their own exit code
  if (report && options.shareWorker && notRun.length > 0) {
    // The shared worker was stopped (a test that never yields) with files still to run: run those
    // in workers of their own, so the verdict still covers every test of the lab.
    const rest = await runVitest({ ...options, shareWorker: false, filters: notRun });
    return { ...report, tests: [...report.tests, ...rest.tests], problems: [...report.problems, ...rest.problems], durationMs: Date.now() - started };
  }
  return report ?? { project: projectName(options), root: options.root, tests: [], problems: [], durationMs: Date.now() - started };
}

/**
 * Runs, then re-runs on every change until the process is stopped (Ctrl-C).
 * Resolves with null once watching, or with the problem that kept vitest from starting.
 */
export async function watchVitest(options: WatchOptions): Promise<Problem | null> {
  // The first run's report waits until start() succeeds: when global setup fails, vitest still
  // ends an empty run, and "no tests" would be the wrong thing to tell the learner.
  let started = false;
  let first: RunReport | undefined;
  const watchdog = startWatchdog();
  process.once('exit', () => watchdog.close());
  const onEnd: OnEnd = (report) => {
    if (started) options.onRunEnd(report);
    else first = report;
  };
  const reporter = reporterFor(options, watchdog, onEnd, options.onRerun);
  let vitest: Awaited<ReturnType<typeof create>> | undefined;
  try {
    vitest = await create(options, reporter, true, options.poll);
    await vitest.start(options.filters ?? []);
    started = true;
    if (first) options.onRunEnd(first);
    options.signal?.addEventListener('abort', () => void vitest?.close().finally(() => watchdog.close()), { once: true });
    return null;
  } catch (error) {
    await vitest?.close().catch(() => {});
    watchdog.close();
    return setupProblem(error);
  }
}
