// What a test worker tells the runner's watchdog (tools/runner/watchdog.ts), in a file of its own:
// the worker's half (tools/testing/watchdog-setup.ts) imports only this, not the runner's result
// model (results.ts, the lab metadata and zod: 20-40 ms of every test worker's start).

/** The environment variable that tells a worker where to write its marks. */
export const WATCHDOG_DIR_ENV = 'WORKBOOK_WATCHDOG_DIR';

/** What one test worker is doing, written by the worker before each phase starts. */
export interface WorkerMark {
  /** load: importing the test file and running beforeAll; test: beforeEach + the test; hook: between tests and afterAll. */
  phase: 'load' | 'test' | 'hook' | 'idle';
  /** Absolute path of the test file. */
  testFile: string;
  /** The test (`describe > test`) that runs (phase test) or last ran (phase hook). */
  test?: string;
  /** Epoch ms when the phase started. */
  since: number;
  /** Epoch ms of the worker's last heartbeat (a timer in its event loop, every second). */
  beat: number;
  /** The running test's own timeout in ms (`it(name, fn, ms)`), when it sets one: it replaces the project's testTimeout. */
  timeoutMs?: number;
  /** Tests this worker finished, in order. */
  done: Array<{ test: string; failed: boolean }>;
}
