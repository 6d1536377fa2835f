// Runs vitest in this process (createVitest from 'vitest/node') with a reporter of our own, and
// hands back a RunReport: the workbook never parses vitest's console output.
import type { Reporter, SerializedError, TestCase, TestModule, TestSpecification } from 'vitest/node';
import { collectResults, ProblemKind, relativeTo, type Problem, type RunReport } from './results.ts';
import { explainStopped, Watchdog, WATCHDOG_DIR_ENV } from './watchdog.ts';

export interface RunOptions {
  root: string;
  /** The vitest project: `starter`, `solution` or `tools`. */
  project: string;
  /** Path filters, e.g. `['labs/01-sql-basics/']`. @default every test file of the project */
  filters?: string[];
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

function reporterFor(options: RunOptions, watchdog: Watchdog, onEnd: (report: RunReport) => void, onRerun?: (changed: string | undefined) => void): Reporter {
  let started = Date.now();
  return {
    onInit(vitest) {
      const config = vitest.projects.find((p) => p.name === options.project)?.config ?? vitest.config;
      watchdog.setLimits({ testMs: config.testTimeout, hookMs: config.hookTimeout });
    },
    onTestRunStart(_specs: ReadonlyArray<TestSpecification>) {
      started = Date.now();
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
      const { tests, problems } = explainStopped(collectResults(modules, unhandledErrors, options.root), watchdog.takeStopped(), options.root);
      onEnd({ project: options.project, root: options.root, tests, problems, durationMs: Date.now() - started });
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
  return createVitest(
    'test',
    {
      root: options.root,
      project: [options.project],
      reporters: [reporter],
      includeTaskLocation: true,
      watch,
      // A lab with no tests yet should say so, not crash the run.
      passWithNoTests: true,
      ...(options.testNamePattern !== undefined ? { testNamePattern: options.testNamePattern } : {}),
      // In watch mode, a change re-runs every test of the filter (one lab: a few seconds), so each
      // verdict covers the whole lab, not only the test files that import what changed.
      ...(watch && options.rerunAllOn ? { forceRerunTriggers: options.rerunAllOn } : {}),
    },
    poll ? { server: { watch: { usePolling: true, interval: 300 } } } : {},
  );
}

/** One run. Never throws for test failures or harness crashes: both come back in the report. */
export async function runVitest(options: RunOptions): Promise<RunReport> {
  const started = Date.now();
  let report: RunReport | undefined;
  const watchdog = startWatchdog();
  const closeWatchdog = () => watchdog.close();
  process.once('exit', closeWatchdog); // also when a signal handler ends the process mid-run
  const reporter = reporterFor(options, watchdog, (r) => (report = r));
  let vitest: Awaited<ReturnType<typeof create>> | undefined;
  try {
    vitest = await create(options, reporter, false);
    await vitest.start(options.filters ?? []);
  } catch (error) {
    const problems = [...(report?.problems ?? []), setupProblem(error)];
    report = { project: options.project, root: options.root, tests: report?.tests ?? [], problems, durationMs: Date.now() - started };
  } finally {
    await vitest?.close().catch(() => {});
    watchdog.close();
    process.off('exit', closeWatchdog);
  }
  process.exitCode = 0; // vitest sets it on failures; the callers decide their own exit code
  return report ?? { project: options.project, root: options.root, tests: [], problems: [], durationMs: Date.now() - started };
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
  const onEnd = (report: RunReport) => {
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
