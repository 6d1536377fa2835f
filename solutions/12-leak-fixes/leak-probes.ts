// Instruments for finding leaks, used by the tests, the benchmark and find-leaks.ts. None of them
// trusts the code under test: they count what Node and V8 themselves hold.
import path from 'node:path';
import os from 'node:os';
import v8 from 'node:v8';
import vm from 'node:vm';

// #region resources
/**
 * The process's active resources by type, e.g. `{ TCPSocketWrap: 3, TCPServerWrap: 1, Timeout: 2 }`.
 * A `Timeout` is a pending setTimeout or setInterval (unref'd ones are not listed); a `TCPSocketWrap`
 * an open TCP socket (both ends, when client and server share the process); a `TCPServerWrap` a
 * listening server.
 */
export function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}
// #endregion resources

// #region gc
let gc: (() => void) | undefined;

/**
 * Runs a full garbage collection. Works without `node --expose-gc`: the flag is switched on at run
 * time, and a fresh V8 context picks up the `gc` function it exposes.
 */
export function forceGc(): void {
  if (!gc) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (exposed) {
      gc = exposed;
    } else {
      v8.setFlagsFromString('--expose-gc');
      gc = vm.runInNewContext('gc') as () => void;
    }
  }
  gc();
}

/**
 * Bytes of live JavaScript objects after a full GC, compiled code left out: while the JIT warms up
 * it adds code for a while (hundreds of KB here), which looks like growth but is not a leak.
 * Waits for the event loop to turn first: callbacks still queued hold their objects, and a
 * WeakRef's target stays alive until the job that created it has ended.
 */
export async function liveHeapAfterGc(): Promise<number> {
  await new Promise((resolve) => setImmediate(resolve));
  forceGc();
  forceGc(); // the first pass can leave garbage that only finalizers released
  let bytes = 0;
  for (const space of v8.getHeapSpaceStatistics()) {
    if (!space.space_name.includes('code')) bytes += space.space_used_size;
  }
  return bytes;
}
// #endregion gc

// #region snapshot
/**
 * Writes a heap snapshot (open it in Chrome DevTools → Memory → Load) and returns its path.
 * Taking one pauses the process and needs about twice the heap in memory: never in production.
 */
export function writeHeapSnapshot(label: string, dir = os.tmpdir()): string {
  return v8.writeHeapSnapshot(path.join(dir, `${label}-${process.pid}-${Date.now()}.heapsnapshot`));
}
// #endregion snapshot
