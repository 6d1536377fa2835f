// Helpers for the WebSocket tests (labs 07, 08, 10, 12 may use them). Not a learner file.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import WebSocket from 'ws';
import type { PrismaClient } from '../../prisma/client.ts';
import { withDeadline } from '../../tools/testing/wait.ts';

export interface TestSession {
  userId: number;
  token: string;
}

/** A user and a session for it. `ttlMs` may be negative for an expired session. */
export async function createSession(prisma: PrismaClient, options: { ttlMs?: number; name?: string } = {}): Promise<TestSession> {
  const suffix = randomBytes(4).toString('hex');
  const user = await prisma.user.create({
    data: { email: `ws-${suffix}@example.test`, name: options.name ?? `user-${suffix}`, passwordHash: 'x' },
  });
  const token = randomBytes(24).toString('base64url');
  await prisma.session.create({ data: { token, userId: user.id, expiresAt: new Date(Date.now() + (options.ttlMs ?? 3_600_000)) } });
  return { userId: user.id, token };
}

export interface ConnectOptions {
  token?: string;
  ticket?: string;
  origin?: string;
  /** Answer pings automatically (ws default). `false` plays a dead peer. */
  autoPong?: boolean;
  /** Append to the URL as is (e.g. `?token=...`). */
  query?: string;
}

function open(wsUrl: string, options: ConnectOptions): WebSocket {
  const query = options.query ?? (options.ticket ? `?ticket=${encodeURIComponent(options.ticket)}` : '');
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const ws = new WebSocket(`${wsUrl}${query}`, {
    headers,
    autoPong: options.autoPong ?? true,
    ...(options.origin ? { origin: options.origin } : {}),
  });
  return ws;
}

/**
 * The HTTP status a handshake ends with: 101 when the server upgraded, otherwise its answer
 * (401, 403, ...). Closes the socket either way.
 */
export async function handshakeStatus(wsUrl: string, options: ConnectOptions = {}): Promise<number> {
  const ws = open(wsUrl, options);
  ws.on('error', () => {});
  const status = new Promise<number>((resolve, reject) => {
    ws.once('upgrade', () => resolve(101));
    ws.once('unexpected-response', (req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      req.destroy();
    });
    ws.once('close', () => reject(new Error('the connection closed before the server answered the handshake')));
  });
  try {
    return await withDeadline(status, 5000, `no answer to the WebSocket handshake on ${wsUrl}`);
  } finally {
    ws.terminate();
  }
}

export interface Closed {
  code: number;
  reason: string;
}

/** A ws client that queues what it receives, so a test can await messages in order. */
export class TestClient {
  private readonly inbox: unknown[] = [];
  private readonly waiters: Array<(message: unknown) => void> = [];
  /** Resolves when the socket closes, with the code seen by the client. */
  readonly closed: Promise<Closed>;

  constructor(readonly ws: WebSocket) {
    ws.on('error', () => {}); // a failed or reset connection shows up in `closed`
    ws.on('message', (data, isBinary) => {
      const message: unknown = isBinary ? data : JSON.parse(data.toString());
      const waiter = this.waiters.shift();
      if (waiter) waiter(message);
      else this.inbox.push(message);
    });
    this.closed = new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  /** The next message, in arrival order. */
  next<T = Record<string, unknown>>(what = 'the next message', timeoutMs = 3000): Promise<T> {
    if (this.inbox.length) return Promise.resolve(this.inbox.shift() as T);
    const message = new Promise<unknown>((resolve) => this.waiters.push(resolve));
    return withDeadline(message, timeoutMs, `waited for ${what}, nothing arrived`) as Promise<T>;
  }

  /** Messages that arrived and were not read yet. */
  get pending(): unknown[] {
    return [...this.inbox];
  }

  send(message: unknown): void {
    this.ws.send(JSON.stringify(message));
  }

  sendRaw(data: string | Buffer, binary = false): void {
    this.ws.send(data, { binary });
  }

  waitClosed(what = 'the server to close the socket', timeoutMs = 3000): Promise<Closed> {
    return withDeadline(this.closed, timeoutMs, `waited for ${what}`);
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    this.ws.terminate();
    await this.closed;
  }
}

/**
 * Opens a socket and waits for the server's `welcome`. Rejects with the handshake status if
 * the server refused.
 */
export async function connect(wsUrl: string, options: ConnectOptions = {}): Promise<TestClient & { welcome: { userId: number; connectionId: string } }> {
  const ws = open(wsUrl, options);
  const client = new TestClient(ws);
  const refused = new Promise<never>((_, reject) => {
    ws.once('unexpected-response', (req, res) => {
      reject(new Error(`the server refused the handshake with HTTP ${res.statusCode}`));
      res.resume();
      req.destroy();
    });
  });
  await withDeadline(Promise.race([once(ws, 'open'), refused]), 5000, `no WebSocket connection to ${wsUrl}`);
  const welcome = await client.next<{ type: string; userId: number; connectionId: string }>('the "welcome" message');
  if (welcome.type !== 'welcome') throw new Error(`expected "welcome" as the first message, got ${JSON.stringify(welcome)}`);
  return Object.assign(client, { welcome });
}

/** POST /ws-ticket with a Bearer token. */
export async function requestTicket(httpUrl: string, token: string | null, origin?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (origin) headers.origin = origin;
  const res = await fetch(`${httpUrl}/ws-ticket`, { method: 'POST', headers, signal: AbortSignal.timeout(5000) });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** A logger that keeps every line, to check what was (and was not) logged. */
export function captureLogger() {
  const lines: Array<{ level: string; event: string; fields: Record<string, unknown> }> = [];
  return {
    lines,
    text: () => JSON.stringify(lines),
    logger: {
      info: (event: string, fields: Record<string, unknown> = {}) => void lines.push({ level: 'info', event, fields }),
      warn: (event: string, fields: Record<string, unknown> = {}) => void lines.push({ level: 'warn', event, fields }),
    },
  };
}

/** A free TCP port on 127.0.0.1 (bound, then released). */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/**
 * A private redis-server on its own port, for tests that stop Redis. Never stop the shared one.
 * `stop()` kills it and waits for the process to exit; `start()` brings it back on the same port.
 */
export async function privateRedis(port?: number) {
  const { spawn } = await import('node:child_process');
  const chosen = port ?? (await freePort());
  let proc: import('node:child_process').ChildProcess | undefined;
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
