// A hard wall-clock limit on every test, enforced from outside the test worker.
//
// vitest's testTimeout is a timer in the worker's own event loop: a learner's `while (true) {}`
// blocks that loop, the timer never fires, and the run hangs. Each lab-project worker (a forked
// process: vitest's `forks` pool) writes what it is about to do into `<dir>/<pid>.json`
// (tools/testing/watchdog-setup.ts). This process polls those files and SIGKILLs a worker that
// stays in one phase past its limit; vitest then goes on with the other test files, and
// `explainStopped` turns the killed file's tests into failures that name the looping test.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { labOf, ProblemKind, relativeTo, TestState, type Problem, type TestOutcome } from './results.ts';
import type { WorkerMark } from './worker-mark.ts';

export { WATCHDOG_DIR_ENV, type WorkerMark } from './worker-mark.ts';

/** A worker the watchdog killed, and what it was doing. */
export interface StoppedWorker extends WorkerMark {
  /** The limit it went past, in ms. */
  limitMs: number;
  /** True when it was stopped because its event loop stayed blocked (no heartbeat), not by the phase's limit. */
  blocked: boolean;
}

export interface WatchdogLimits {
  /** vitest's testTimeout of the project, in ms. */
  testMs: number;
  /** vitest's hookTimeout of the project, in ms. */
  hookMs: number;
}

/** Past vitest's own timeout by this much, a worker is not answering: vitest would have failed the test itself. */
export const GRACE_MS = 5_000;
/**
 * Between tests and in a test, an event loop blocked this long is a loop that never yields: no
 * lab legitimately computes for 10 s without awaiting. (Not while loading: importing is synchronous.)
 */
export const BLOCKED_MS = 10_000;
const POLL_MS = 500;

/**
 * How long a worker may stay in a phase: vitest's own timeout for it (the test's own `timeoutMs`
 * when it sets one, else the project's), plus a grace of at most GRACE_MS.
 */
export function limitOf(phase: WorkerMark['phase'], limits: WatchdogLimits, timeoutMs?: number): number {
  if (phase === 'idle') return Number.POSITIVE_INFINITY;
  const timeout = phase === 'test' ? (timeoutMs ?? limits.testMs) : limits.hookMs;
  return timeout + Math.min(GRACE_MS, timeout);
}

/** Owns the marks folder and the polling timer; `close()` is idempotent. */
export class Watchdog {
  readonly dir: string;
  #stopped: StoppedWorker[] = [];
  #timer: NodeJS.Timeout;
  #closed = false;

  constructor(
    private readonly limits: WatchdogLimits,
    private readonly onStop?: (worker: StoppedWorker) => void,
  ) {
    this.dir = mkdtempSync(path.join(os.tmpdir(), 'workbook-watchdog-'));
    this.#timer = setInterval(() => this.check(), POLL_MS);
    this.#timer.unref();
  }

  /** Set the limits once vitest's config is resolved. */
  setLimits(limits: WatchdogLimits): void {
    Object.assign(this.limits, limits);
  }

  /** Kills every worker past its limit. Public for tests; the timer calls it. */
  check(now = Date.now()): void {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return;
    }
    for (const name of names) {
      const pid = Number.parseInt(name, 10);
      const file = path.join(this.dir, name);
      let mark: WorkerMark;
      try {
        mark = JSON.parse(readFileSync(file, 'utf8')) as WorkerMark;
      } catch {
        continue; // being written
      }
      const limitMs = limitOf(mark.phase, this.limits, mark.timeoutMs);
      const blockedMs = Math.min(BLOCKED_MS, limitMs);
      const blocked = mark.phase !== 'load' && mark.phase !== 'idle' && now - mark.beat > blockedMs;
      if (now - mark.since <= limitMs && !blocked) continue;
      rmSync(file, { force: true });
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        continue; // already gone
      }
      const stopped = { ...mark, limitMs: blocked ? blockedMs : limitMs, blocked };
      this.#stopped.push(stopped);
      this.onStop?.(stopped);
    }
  }

  /** The workers stopped since the last call (one run's worth). */
  takeStopped(): StoppedWorker[] {
    const stopped = this.#stopped;
    this.#stopped = [];
    return stopped;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const seconds = (ms: number) => Math.round(ms / 1000);

/** The learner-facing explanation of a stopped worker. */
export function stoppedMessage(worker: StoppedWorker): string {
  const what = worker.blocked
    ? `${worker.phase === 'test' ? `"${worker.test}"` : `a hook after "${worker.test}"`} kept its test worker busy for ${seconds(worker.limitMs)} s without ever yielding`
    : worker.phase === 'test'
      ? `"${worker.test}" did not finish within ${seconds(worker.limitMs)} s`
      : worker.phase === 'load'
        ? `loading this test file (the code it imports, or a beforeAll hook) did not finish within ${seconds(worker.limitMs)} s`
        : `a hook after "${worker.test}" did not finish within ${seconds(worker.limitMs)} s`;
  return (
    `${what}${worker.blocked ? '' : ', and the test worker stopped answering'}: this looks like a loop that never yields ` +
    '(a `while`/`for` whose condition never changes, or a busy loop with no `await` inside). ' +
    'The worker was stopped; look for such a loop in the code this test runs.'
  );
}

const WORKER_CRASH = /Worker (forks )?(emitted error|exited unexpectedly)/;

/**
 * Pure: rewrites one run's outcomes for the workers the watchdog stopped. The looping test fails
 * with `stoppedMessage`, tests the worker finished keep their verdict, the rest fail as not run;
 * a file stopped while loading becomes a LOAD problem (the grader counts its tests as failed);
 * vitest's own "worker emitted error" is dropped (it is explained).
 */
export function explainStopped(
  result: { tests: TestOutcome[]; problems: Problem[] },
  stopped: StoppedWorker[],
  root: string,
): { tests: TestOutcome[]; problems: Problem[] } {
  if (!stopped.length) return result;
  let problems = result.problems.filter((p) => !(p.kind === ProblemKind.UNHANDLED && WORKER_CRASH.test(p.message)));
  const tests = result.tests.map((t) => {
    const worker = stopped.find((s) => relativeTo(root, s.testFile) === t.file);
    if (!worker) return t;
    const done = worker.done.find((d) => d.test === t.fullName);
    if (done && !done.failed) return { ...t, state: TestState.PASSED };
    if (done) return { ...t, state: TestState.FAILED, failure: { message: 'failed (its details were lost when the test worker was stopped)' } };
    const stuck = worker.phase !== 'test' || worker.test === t.fullName;
    const message = stuck ? stoppedMessage(worker) : `not run: the test worker was stopped after "${worker.test}" never finished`;
    return { ...t, state: TestState.FAILED, failure: { message, stopped: stuck ? ('stuck' as const) : ('not-run' as const) } };
  });
  for (const worker of stopped) {
    const file = relativeTo(root, worker.testFile);
    if (tests.some((t) => t.file === file)) continue;
    problems = problems.filter((p) => p.file !== file);
    problems.push({ kind: ProblemKind.LOAD, lab: labOf(file), file, message: stoppedMessage(worker) });
  }
  return { tests, problems };
}
