// A scripted stand-in for a WebSocket, for lab 08's deterministic client tests (the state machine:
// backoff, rejoin, offline queue); the lab's other tests use real servers.
// The test plays the server: open(), receive(), serverClose(). The client's own close() is
// recorded and answered with a close event on the next microtask, like a real socket.
import type { ServerMessage } from '../../solutions/07-websocket-server/protocol.ts';
import { withDeadline } from './wait.ts';
import type { WebSocketLike } from '../../labs/08-websocket-client/socket.ts';

type Handler<E> = ((event: E) => void) | null;

export class FakeSocket implements WebSocketLike {
  readyState = 0;
  onopen: Handler<unknown> = null;
  onmessage: Handler<{ data: unknown }> = null;
  onclose: Handler<{ code: number; reason: string }> = null;
  onerror: Handler<unknown> = null;
  /** Every frame the client sent, parsed. */
  readonly sent: Array<Record<string, unknown>> = [];
  /** The code the client closed with, if it did. */
  closedWith: number | undefined;

  send(data: string): void {
    if (this.readyState !== 1) throw new Error(`send() on a socket in readyState ${this.readyState}`);
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }

  close(code = 1005, reason = ''): void {
    if (this.readyState >= 2) return;
    this.closedWith = code;
    this.readyState = 3;
    queueMicrotask(() => this.onclose?.({ code, reason }));
  }

  /** The server accepted: open, then welcome (what lab 07 does). */
  open(userId = 1, connectionId = 'c1'): void {
    this.readyState = 1;
    this.onopen?.({});
    this.receive({ type: 'welcome', userId, connectionId });
  }

  receive(message: ServerMessage | string): void {
    this.onmessage?.({ data: typeof message === 'string' ? message : JSON.stringify(message) });
  }

  serverClose(code: number, reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }

  /** Frame types the client sent, in order. */
  get sentTypes(): string[] {
    return this.sent.map((m) => String(m.type));
  }
}

/** How long a test waits for something a fake socket makes happen (all in memory: milliseconds). */
export const FAKE_DEADLINE_MS = 1000;

/** A `connect` option that hands out FakeSockets and lets the test await each one. */
export function fakeConnector() {
  const sockets: FakeSocket[] = [];
  const waiters: Array<(s: FakeSocket) => void> = [];
  const connect = () => {
    const socket = new FakeSocket();
    sockets.push(socket);
    waiters.shift()?.(socket);
    return socket;
  };
  /** The socket of attempt `n` (0 = the first connect). */
  const socket = (n: number, what = `connection attempt ${n}`): Promise<FakeSocket> => {
    if (sockets[n]) return Promise.resolve(sockets[n]);
    return withDeadline(
      new Promise<FakeSocket>((resolve) => {
        const check = (s: FakeSocket) => (sockets[n] === s ? resolve(s) : waiters.push(check));
        waiters.push(check);
      }),
      FAKE_DEADLINE_MS,
      `the client should open a new socket (${what})`,
    );
  };
  return { connect, sockets, socket };
}
