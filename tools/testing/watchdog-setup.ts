// Setup file of the lab projects, the worker's half of the runner's watchdog (tools/runner/watchdog.ts).
//
// A learner's `while (true) {}` blocks the test worker's event loop, so vitest's own testTimeout
// (a timer in that same loop) never fires. This file only writes down, synchronously and before
// each phase starts, what the worker is about to do: `<dir>/<pid>.json` = { phase, test, since }.
// The runner's process reads these files; a worker that stays in one phase past its limit is
// killed from outside, and the runner names the test that was running.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, expect } from 'vitest';
import { WATCHDOG_DIR_ENV, type WorkerMark } from '../runner/watchdog.ts';

const dir = process.env[WATCHDOG_DIR_ENV];

if (dir) {
  const file = path.join(dir, `${process.pid}.json`);
  const testFile = expect.getState().testPath ?? '';
  const done: WorkerMark['done'] = [];
  let state: WorkerMark = { phase: 'load', testFile, since: Date.now(), beat: Date.now(), done };
  const write = () => {
    try {
      writeFileSync(file, JSON.stringify({ ...state, beat: Date.now() }));
    } catch {
      // The runner removed its folder (the run is over): nothing to watch any more.
    }
  };
  const mark = (phase: WorkerMark['phase'], test?: string, timeoutMs?: number) => {
    state = { phase, testFile, since: Date.now(), beat: Date.now(), done, ...(test ? { test } : {}), ...(timeoutMs ? { timeoutMs } : {}) };
    write();
  };
  // The heartbeat: it stops when something blocks this worker's event loop.
  setInterval(write, 1_000).unref();
  mark('load');
  // The test's own timeout (vitest fills in the project's testTimeout when the test sets none).
  beforeEach((context) => mark('test', context.task.fullTestName ?? context.task.name, context.task.timeout));
  afterEach((context) => {
    const name = context.task.fullTestName ?? context.task.name;
    done.push({ test: name, failed: (context.task.result?.errors?.length ?? 0) > 0 });
    mark('hook', name);
  });
  afterAll(() => mark('idle'));
}
