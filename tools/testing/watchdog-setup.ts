// Setup file of the lab projects, the worker's half of the runner's watchdog (tools/runner/watchdog.ts).
//
// A learner's `while (true) {}` blocks the test worker's event loop, so vitest's own testTimeout
// (a timer in that same loop) never fires. This file only writes down, synchronously and before
// each phase starts, what the worker is about to do: `<dir>/<pid>.json` = { phase, test, since }.
// The runner's process reads these files; a worker that stays in one phase past its limit is
// killed from outside, and the runner names the test that was running.
//
// One writer per process. Setup files run again for every test file, and in a worker shared by
// several files (`isolate: false`, `npm run lab`) a second heartbeat would go on writing the
// previous file's last phase ("idle": no limit) over the current one. The file stays open and is
// rewritten in place: truncating and rewriting a file (writeFileSync) makes ext4 flush it, about
// 3 ms each time on a busy disk, twice per test; writing over it costs microseconds. The text is
// padded with spaces to the longest one written so far (JSON allows trailing white space), and a
// read that meets half a write is skipped by the reader.
import { closeSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, expect } from 'vitest';
import { WATCHDOG_DIR_ENV, type WorkerMark } from '../runner/worker-mark.ts';

interface MarkWriter {
  dir: string;
  fd: number;
  /** Bytes of the longest mark written so far. */
  size: number;
  mark?: WorkerMark;
}

const WRITER = Symbol.for('workbook.watchdog-writer');
const shared = globalThis as { [WRITER]?: MarkWriter };

function write(writer: MarkWriter): void {
  if (!writer.mark) return;
  const text = Buffer.from(JSON.stringify({ ...writer.mark, beat: Date.now() }));
  const padded = text.length < writer.size ? Buffer.concat([text, Buffer.alloc(writer.size - text.length, ' ')]) : text;
  writer.size = padded.length;
  try {
    writeSync(writer.fd, padded, 0, padded.length, 0);
  } catch {
    // The runner removed its folder (the run is over): nothing to watch any more.
  }
}

/** This process's writer for `dir`, opened (with its heartbeat) on first use. */
function writerFor(dir: string): MarkWriter | undefined {
  const current = shared[WRITER];
  if (current?.dir === dir) return current;
  if (current) closeSync(current.fd);
  let fd: number;
  try {
    fd = openSync(path.join(dir, `${process.pid}.json`), 'w');
  } catch {
    return undefined; // the run is already over
  }
  const writer: MarkWriter = { dir, fd, size: 0 };
  shared[WRITER] = writer;
  // The heartbeat: it stops when something blocks this worker's event loop.
  setInterval(() => {
    if (shared[WRITER] === writer) write(writer);
  }, 1_000).unref();
  return writer;
}

const dir = process.env[WATCHDOG_DIR_ENV];
const writer = dir ? writerFor(dir) : undefined;

if (writer) {
  const testFile = expect.getState().testPath ?? '';
  const done: WorkerMark['done'] = [];
  const mark = (phase: WorkerMark['phase'], test?: string, timeoutMs?: number) => {
    writer.mark = { phase, testFile, since: Date.now(), beat: Date.now(), done, ...(test ? { test } : {}), ...(timeoutMs ? { timeoutMs } : {}) };
    write(writer);
  };
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
