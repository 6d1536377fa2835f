// Setup file of the lab projects: an error thrown in a callback of the code under test (a `ws`
// handler, a timer, an event listener, a promise nobody awaited) fails the test that is running,
// at once and with that error's stack, instead of leaving the test to wait for its timeout while
// vitest files the error under "errors outside any test" (lab 07 once took 584 s that way).
//
// How: while a test runs, this file owns process 'uncaughtException' / 'unhandledRejection'
// (vitest steps back from an event that has another listener) and races the test's function
// against the first such error. Between tests the listeners are removed, so vitest reports
// errors there as usual.
//
// The test's function is swapped through @vitest/runner's getFn/setFn (the runner vitest itself
// uses, installed with it): in vitest 4.1 `TestRunner.setTestFn` is by mistake another getFn.
import { getFn, setFn } from '@vitest/runner';
import { afterEach, beforeEach, type RunnerTestCase } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';

type TestFn = () => unknown;
const getTestFn = getFn as (test: RunnerTestCase) => TestFn | undefined;
const setTestFn = setFn as (test: RunnerTestCase, fn: TestFn) => void;


const originals = new WeakMap<RunnerTestCase, TestFn>();

interface Running {
  /** Set once the test's own function settled: a later error fails the test in afterEach. */
  settled: boolean;
  late: unknown[];
  onError(error: unknown): void;
}
let running: Running | undefined;

function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(`a promise was rejected with ${String(reason)}`);
}

/** The learner's error, its stack kept, with a first line saying where it came from. */
function explained(reason: unknown): Error {
  const original = asError(reason);
  const error = new Error(
    `${original.message}\n(thrown in a callback of the code under test — a ws handler, a timer, an event listener or a promise nobody awaited — while this test ran)`,
  );
  error.name = original.name;
  error.stack = `${original.name}: ${error.message}\n${(original.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l)).join('\n')}`;
  return error;
}

// A listener that throws inside a `ws` event ('message' above all) unwinds through ws's frame
// receiver, which then never finishes: that socket never emits 'close', and every close() that
// waits for it (a server's, a test's clean-up) hangs until its timeout, once per test. So while a
// test runs, an error thrown by a ws listener is taken here, before it reaches ws: it fails the
// test (with the listener's stack) and ws goes on as if the listener had returned.
//
// Test files may share a worker (isolate: false): this setup file then runs once per file, while
// `ws` is loaded once. So ws is wrapped once per process, and the wrapper asks the copy of this file
// that runs now (through a global) for the running test, instead of nesting one wrapper per file.
const CURRENT = Symbol.for('workbook.fail-fast.running');
const WRAPPED = Symbol.for('workbook.fail-fast.wrapped');
const shared = globalThis as { [CURRENT]?: () => Running | undefined };
shared[CURRENT] = () => running;
type Emitter = { emit(event: string | symbol, ...args: unknown[]): boolean; [WRAPPED]?: true };
for (const proto of [WebSocket.prototype, WebSocketServer.prototype] as Emitter[]) {
  if (proto[WRAPPED]) continue;
  const emit = proto.emit;
  proto.emit = function (this: unknown, event: string | symbol, ...args: unknown[]) {
    try {
      return emit.call(this, event, ...args);
    } catch (error) {
      const now = shared[CURRENT]?.();
      if (!now) throw error;
      now.onError(error);
      return true;
    }
  };
  proto[WRAPPED] = true;
}

beforeEach((context) => {
  const test = context.task as RunnerTestCase;
  const original = originals.get(test) ?? getTestFn(test);
  if (!original) return;
  originals.set(test, original);

  let fail: (error: unknown) => void = () => {};
  const failure = new Promise<never>((_, reject) => (fail = reject));
  failure.catch(() => {}); // raced below; when the test wins, nobody else awaits it
  const state: Running = {
    settled: false,
    late: [],
    onError: (error) => (state.settled ? state.late.push(error) : fail(explained(error))),
  };
  const raced = () =>
    Promise.race([Promise.resolve().then(original), failure]).finally(() => {
      state.settled = true;
    });
  setTestFn(test, raced);
  // Without the swap an error would fail nothing: leave it to vitest then.
  if (getTestFn(test) !== raced) return;
  process.on('uncaughtException', state.onError);
  process.on('unhandledRejection', state.onError);
  running = state;
});

afterEach(() => {
  const state = running;
  running = undefined;
  if (!state) return;
  process.off('uncaughtException', state.onError);
  process.off('unhandledRejection', state.onError);
  // An error that arrived after the test's own function had settled still fails this test.
  if (state.late.length > 0) throw explained(state.late[0]);
});
