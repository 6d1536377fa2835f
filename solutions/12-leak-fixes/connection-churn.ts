// Load for leak hunting: many short-lived WebSocket clients, each connecting, sending a few
// messages, waiting for the server's answers and disconnecting. Used by the tests, the benchmark
// and find-leaks.ts.
import WebSocket from 'ws';
import { CloseCode, type ClientMessage, type ServerMessage } from './protocol.ts';

export interface ChurnOptions {
  /** Clients connected at the same time. @default 16 */
  concurrency?: number;
}

/**
 * One short-lived client: connect, send `messages`, wait until the server answered every join and
 * leave among them (or for the welcome if there are none), disconnect, and wait for the socket to
 * close. Resolves with the number the server gave the client (`welcome.userId`); rejects on an
 * `error` reply.
 */
export function connectOnce(url: string, messages: ClientMessage[]): Promise<number> {
  const acks = messages.filter((m) => m.type === 'join' || m.type === 'leave').length;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    let id = 0;
    let acked = 0;
    ws.on('open', () => {
      for (const m of messages) ws.send(JSON.stringify(m));
    });
    ws.on('message', (data) => {
      const m = JSON.parse(String(data)) as ServerMessage;
      if (m.type === 'welcome') {
        id = m.userId;
        if (acks === 0) ws.close(CloseCode.NORMAL);
      } else if (m.type === 'joined' || m.type === 'left') {
        if (++acked === acks) ws.close(CloseCode.NORMAL);
      } else if (m.type === 'error') {
        reject(new Error(`the server answered ${JSON.stringify(m)}`));
        ws.terminate();
      }
    });
    ws.on('error', reject);
    ws.on('close', () => resolve(id));
  });
}

/** Runs `count` clients, `concurrency` at a time; client `i` sends `plan(i)`. Resolves with their ids. */
export async function churn(url: string, count: number, plan: (i: number) => ClientMessage[], options: ChurnOptions = {}): Promise<number[]> {
  const ids: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      ids.push(await connectOnce(url, plan(i)));
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 16 }, worker));
  return ids;
}
