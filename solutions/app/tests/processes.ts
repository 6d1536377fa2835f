// The finished system as real processes, for the tests that need more than one: app instances
// (`npm start`, i.e. main.ts) and workers (`npm run worker`), each started through child-entry.ts
// so it exits with the test process that started it.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from '../../../tools/labs/meta.ts';
import { withDeadline } from '../../../tools/testing/wait.ts';

export interface AppProcess {
  /** What the process printed that `ready` matched: for main.ts the app's URL. */
  readonly ready: string;
  /** Everything it printed, for failure messages. */
  output(): string;
  /** SIGKILL, as a crash: no goodbye. Resolves when the process is gone. Idempotent. */
  kill(): Promise<void>;
  /** SIGTERM and wait for the graceful shutdown (SIGKILL after 10 s). Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts `solutions/app/<entry>` with `env` on top of this process's environment and resolves once
 * its output matches `ready` (the first group is returned as `ready`). Rejects with its output if
 * it exits first or stays silent for `timeoutMs`.
 */
export async function startAppProcess(entry: 'main.ts' | 'worker-main.ts', env: Record<string, string>, ready: RegExp, timeoutMs = 30_000): Promise<AppProcess> {
  // tsx's loader in the child itself (not the tsx CLI, whose own child a SIGKILL would miss).
  const loader = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
  const child = spawn(process.execPath, ['--import', loader, path.join(ROOT, 'solutions/app/tests/child-entry.ts'), entry], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'], // stdin stays open while this process lives (see child-entry.ts)
  });
  let output = '';
  const exited = once(child, 'exit');
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  const became = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = ready.exec(output);
      if (match) resolve(match[1] ?? match[0]);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(() => reject(new Error(`${entry} exited (${child.exitCode ?? child.signalCode}) before it was ready. Output:\n${output}`)));
  });
  void became.catch(() => {}); // awaited below; after a timeout the kill must not be an unhandled rejection
  const handle = {
    output: () => output,
    kill: async () => {
      if (gone()) return;
      child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (gone()) return;
      child.kill('SIGTERM');
      await withDeadline(exited, 10_000, `${entry} did not exit after SIGTERM`).catch(() => child.kill('SIGKILL'));
    },
  };
  try {
    const matched = await withDeadline(became, timeoutMs, `${entry} never printed ${ready}. Output so far:\n${output}`);
    return { ...handle, ready: matched };
  } catch (error) {
    await handle.kill();
    throw error;
  }
}
