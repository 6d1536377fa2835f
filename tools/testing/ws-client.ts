// The one WebSocket test client of the workbook (labs 07, 08, 10, 12 and the app's tests): opens a
// `ws` socket, keeps what arrives in an inbox, and lets a test await messages in order or by
// shape, each wait with a deadline and failing at once when the socket closes.
import { once } from 'node:events';
import { onTestFinished } from 'vitest';
import WebSocket from 'ws';
import { withDeadline } from './wait.ts';

export interface ConnectOptions {
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Sent as `?ticket=<ticket>` (unless `query` is given). */
  ticket?: string;
  /** The `Origin` header, as a browser sends it. */
  origin?: string;
  /** More request headers, e.g. `{ 'x-forwarded-for': '203.0.113.7' }` as a proxy would add. */
  headers?: Record<string, string>;
  /** Answer pings automatically (ws default). `false` plays a dead peer. @default true */
  autoPong?: boolean;
  /** Appended to the URL as is (e.g. `?token=...`). */
  query?: string;
  /** Terminate the socket when the current test finishes (call `connect` inside the test). @default false */
  closeAfterTest?: boolean;
  /** How long to wait for the connection and the `welcome` message, in ms. @default 5000 */
  timeoutMs?: number;
}

export interface Closed {
  code: number;
  reason: string;
}

/** A server message as the tests see it: parsed JSON with a `type`. */
export type Message = { type: string } & Record<string, unknown>;

function open(wsUrl: string, options: ConnectOptions): WebSocket {
  const query = options.query ?? (options.ticket ? `?ticket=${encodeURIComponent(options.ticket)}` : '');
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  return new WebSocket(`${wsUrl}${query}`, {
    headers,
    autoPong: options.autoPong ?? true,
    ...(options.origin ? { origin: options.origin } : {}),
  });
}

/** A ws client that queues what it receives, so a test can await messages in order or by shape. */
export class TestClient {
  private readonly inbox: unknown[] = [];
  private readonly wakers = new Set<() => void>();
  /** The close code once the socket closed, else `undefined`. */
  closeCode: number | undefined;
  /** Resolves when the socket closes, with the code and reason seen by the client. */
  readonly closed: Promise<Closed>;

  constructor(readonly ws: WebSocket) {
    ws.on('error', () => {}); // a failed or reset connection shows up in `closed`
    ws.on('message', (data, isBinary) => {
      this.inbox.push(isBinary ? data : JSON.parse(data.toString()));
      for (const wake of this.wakers) wake();
    });
    this.closed = new Promise((resolve) =>
      ws.once('close', (code, reason) => {
        this.closeCode = code;
        for (const wake of this.wakers) wake();
        resolve({ code, reason: reason.toString() });
      }),
    );
  }

  /** The next message, in arrival order. Rejects after `timeoutMs` or as soon as the socket closes. */
  next<T = Record<string, unknown>>(what = 'the next message', timeoutMs = 3000): Promise<T> {
    return this.take<T>(() => true, what, timeoutMs);
  }

  /** Removes and returns the first message of this `type` (that `match` accepts), leaving the others queued. */
  nextOf<T extends Message = Message>(type: string, what: string, match: (m: T) => boolean = () => true, timeoutMs = 3000): Promise<T> {
    return this.take<T>((m) => (m as Message)?.type === type && match(m as T), what, timeoutMs);
  }

  /** Removes and returns the first queued message `accept` takes, waiting for one if none is there yet. */
  async take<T>(accept: (message: unknown) => boolean, what: string, timeoutMs = 3000): Promise<T> {
    let wake = () => {};
    const arrived = new Promise<T>((resolve, reject) => {
      wake = () => {
        const i = this.inbox.findIndex(accept);
        if (i !== -1) {
          this.wakers.delete(wake); // before the next message arrives, or it would take that one too
          resolve(this.inbox.splice(i, 1)[0] as T);
        } else if (this.closeCode !== undefined) {
          reject(new Error(`the socket closed (code ${this.closeCode}) while waiting for ${what}`));
        }
      };
      this.wakers.add(wake);
      wake();
    });
    try {
      return await withDeadline(arrived, timeoutMs, `waited for ${what}, nothing arrived`);
    } finally {
      this.wakers.delete(wake);
    }
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

  /** Terminates the socket (no close handshake) and waits until it is closed. Idempotent. */
  async close(): Promise<void> {
    if (this.ws.readyState !== WebSocket.CLOSED) this.ws.terminate();
    await this.closed;
  }
}

/** A connected client with the server's first message, which must be `{ type: "welcome", ... }`. */
export type WelcomedClient<W = Record<string, unknown>> = TestClient & { welcome: W };

/**
 * Opens a socket and waits for the server's `welcome`. Rejects with the handshake status if the
 * server refused, or with what arrived instead of a welcome.
 */
export async function connect<W = { userId: number; connectionId: string }>(
  wsUrl: string,
  options: ConnectOptions = {},
): Promise<WelcomedClient<W & { type: 'welcome' }>> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const ws = open(wsUrl, options);
  const client = new TestClient(ws);
  if (options.closeAfterTest) onTestFinished(() => client.close());
  const refused = new Promise<never>((_, reject) => {
    ws.once('unexpected-response', (req, res) => {
      reject(new Error(`the server refused the handshake with HTTP ${res.statusCode}`));
      res.resume();
      req.destroy();
    });
  });
  refused.catch(() => {}); // raced below; never left unhandled
  await withDeadline(Promise.race([once(ws, 'open'), refused]), timeoutMs, `no WebSocket connection to ${wsUrl}`);
  const welcome = await client.next<W & { type: string }>('the "welcome" message', timeoutMs);
  if (welcome.type !== 'welcome') throw new Error(`expected "welcome" as the first message, got ${JSON.stringify(welcome)}`);
  return Object.assign(client, { welcome: welcome as W & { type: 'welcome' } });
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
    return await withDeadline(status, options.timeoutMs ?? 5000, `no answer to the WebSocket handshake on ${wsUrl}`);
  } finally {
    ws.terminate();
  }
}
