// A private redis-server for tests that stop or restart Redis (never the shared one), and a free port.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { TcpProxy } from './tcp-proxy.ts';
import { withDeadline } from './wait.ts';

/** A free TCP port on 127.0.0.1 (bound, then released). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

export interface PrivateRedis {
  port: number;
  url: string;
  /** Starts the server (again) on the same port; resolves once it accepts connections (5 s deadline). */
  start(): Promise<void>;
  /** Kills the server (SIGKILL: nothing is saved) and waits for the process to exit. Idempotent. */
  stop(): Promise<void>;
}

/** Is `redis-server` on PATH? Tests that need one fall back to a TCP fault proxy where it is not. */
export async function hasRedisServer(): Promise<boolean> {
  const child = spawn('redis-server', ['--version'], { stdio: 'ignore' });
  const [code] = await Promise.race([once(child, 'exit'), once(child, 'error').then(() => [1])]);
  return code === 0;
}

/**
 * A redis-server of this test's own on `port` (a free one by default), with no persistence, so a
 * restart loses everything as a real outage would. The caller owns it: `stop()` it after the test.
 */
export async function privateRedis(port?: number): Promise<PrivateRedis> {
  const chosen = port ?? (await freePort());
  let proc: ChildProcess | undefined;
  const start = async () => {
    const child = spawn('redis-server', ['--port', String(chosen), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proc = child;
    let output = '';
    const ready = new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`redis-server exited with ${code} before it was ready:\n${output}`)));
      child.once('error', reject);
    });
    await withDeadline(ready, 5000, `redis-server on port ${chosen} did not start`);
  };
  const stop = async () => {
    const child = proc;
    proc = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  };
  await start();
  return { port: chosen, url: `redis://127.0.0.1:${chosen}`, start, stop };
}

/** A Redis a test may take down and bring back: its own redis-server, or a fault proxy where there is none. */
export interface RestartableRedis extends PrivateRedis {
  /** `redis-server`: a private server that loses its data on stop; `tcp-proxy`: the shared server behind a cut-able proxy. */
  kind: 'redis-server' | 'tcp-proxy';
  /** Releases it for good (kills the server, or closes the proxy). Idempotent. */
  close(): Promise<void>;
}

/**
 * A Redis for outage tests that runs everywhere: a private `redis-server` when one is on PATH,
 * otherwise the shared server (`sharedUrl`, e.g. a Redis in Docker) behind a {@link TcpProxy}
 * whose `stop()` drops every connection and refuses new ones until `start()`. Keys written through
 * the proxy live on the shared server: use the test's own prefix. `options.kind` forces one way.
 */
export async function restartableRedis(
  sharedUrl: string,
  options: { kind?: RestartableRedis['kind'] } = {},
): Promise<RestartableRedis> {
  if (options.kind !== 'tcp-proxy' && (options.kind === 'redis-server' || (await hasRedisServer()))) {
    const server = await privateRedis();
    return { kind: 'redis-server', ...server, close: server.stop };
  }
  const proxy = await TcpProxy.start(sharedUrl);
  let stopped = false;
  return {
    kind: 'tcp-proxy',
    port: proxy.port,
    url: proxy.url,
    start: async () => {
      stopped = false;
      await proxy.restore();
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await proxy.cut();
    },
    close: () => proxy.close(),
  };
}
