// The client in Node against the real lab 07 server: restarts, re-authentication, dead links.
import { once } from 'node:events';
import WebSocket, { WebSocketServer } from 'ws';
import { afterEach, describe, expect, test } from 'vitest';
import { startChatServer, type ChatServer } from '../../solutions/07-websocket-server/index.ts';
import { useDatabase, useRedis } from '../../tools/testing/test-env.ts';
import { withDeadline } from '../../tools/testing/wait.ts';
import { createSession } from '../07-websocket-server/test-kit.ts';
import { connect, type TestClient } from '../../tools/testing/ws-client.ts';
import { ChatClient, type ChatClientEvents } from './chat-client.ts';
import { bearerConnector, ticketConnector } from './connectors.ts';
import { say } from '../../tools/testing/say.ts';

const db = useDatabase();
const redis = useRedis();

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serve(port = 0): Promise<ChatServer> {
  const server = await startChatServer({ prisma: db.prisma, redis: redis.client, keyPrefix: redis.prefix, port });
  cleanups.push(() => server.close());
  return server;
}

function track(client: ChatClient) {
  cleanups.push(() => client.close());
  return <K extends keyof ChatClientEvents>(type: K, what: string = type) => withDeadline(client.once(type), 5000, say({ en: `the client should emit "${what}"`, ko: `클라이언트가 "${what}"을(를) 내보내야 합니다` }));
}

/**
 * start(), until the first welcome. The server is up, so a reconnect before that welcome means the
 * first connection failed (a connector that throws, a credential the server refuses): fail at once
 * instead of waiting out the deadline while the client retries.
 */
function firstOpen(client: ChatClient) {
  const retrying = client.once('reconnecting').then(() => {
    throw new Error(
      say({
        en: 'the first connection failed and the client is retrying: the connector throws or the server refuses its credential (connectors.ts)',
        ko: '첫 연결이 실패해 클라이언트가 다시 시도합니다: 커넥터가 예외를 던지거나 서버가 자격 증명을 거부합니다(connectors.ts)',
      }),
    );
  });
  return withDeadline(Promise.race([client.start(), retrying]), 5000, say({ en: 'the client should connect and get its welcome (chat-client.ts)', ko: '클라이언트가 연결되어 welcome을 받아야 합니다(chat-client.ts)' }));
}

async function peer(wsUrl: string, token: string, room: string): Promise<TestClient> {
  const client = await connect(wsUrl, { token });
  cleanups.push(() => client.close());
  client.send({ type: 'join', room });
  expect(await client.next()).toEqual({ type: 'joined', room });
  return client;
}

describe('against the lab 07 server', () => {
  test('survives a server restart: reconnects, rejoins its room and sends what was queued offline', async () => {
    const [me, other] = [await createSession(db.prisma), await createSession(db.prisma)];
    let server = await serve();
    const port = server.port;
    let gate: Promise<void> = Promise.resolve();
    let openGate = () => {};
    const client = new ChatClient({
      connect: async () => {
        await gate; // the test decides when the reconnect may happen
        return bearerConnector(server.wsUrl, () => me.token, WebSocket)();
      },
      backoff: { baseMs: 10, capMs: 50 },
    });
    const next = track(client);
    await firstOpen(client);
    client.join('r');
    await next('joined');
    const bob = await peer(server.wsUrl, other.token, 'r');

    const received = next('message');
    bob.send({ type: 'say', room: 'r', text: 'before', excludeSelf: true });
    expect(await received).toMatchObject({ room: 'r', from: other.userId, text: 'before' });

    gate = new Promise((resolve) => (openGate = resolve));
    const closed = next('close');
    await server.close();
    expect((await closed).code, say({ en: 'the server said 1001 (going away)', ko: '서버가 1001(going away)을 보냈습니다' })).toBe(1001);
    const queued = client.say('r', 'sent while offline');
    server = await serve(port);
    const bob2 = await peer(server.wsUrl, other.token, 'r');
    const reopened = next('open', 'open after the restart');
    reopened.catch(() => {}); // awaited below; if an expect fails first, this rejection is not "unhandled"
    openGate();

    expect(queued).toBe('queued');
    expect((await reopened).reconnected, say({ en: "the 'open' after a drop should say reconnected: true", ko: "끊긴 뒤의 'open'은 reconnected: true여야 합니다" })).toBe(true);
    expect(await bob2.next('the queued message, sent after the rejoin'), say({ en: 'rejoin first, then flush: the server refuses to broadcast for a non-member', ko: '먼저 방에 다시 들어가고 그다음 보내세요: 서버는 멤버가 아닌 사람의 브로드캐스트를 거절합니다' })).toMatchObject({
      type: 'message',
      room: 'r',
      from: me.userId,
      text: 'sent while offline',
    });
  });

  test('re-authenticates with a fresh single-use ticket on every connect', async () => {
    const me = await createSession(db.prisma);
    let server = await serve();
    const port = server.port;
    let ticketRequests = 0;
    const client = new ChatClient({
      connect: ticketConnector({
        httpUrl: server.url,
        wsUrl: server.wsUrl,
        token: () => me.token,
        WebSocketImpl: WebSocket,
        fetch: (input, init) => {
          ticketRequests += 1;
          return fetch(input, init);
        },
      }),
      backoff: { baseMs: 10, capMs: 50 },
    });
    const next = track(client);
    const first = await firstOpen(client);

    const reopened = next('open', 'open after the restart');
    await server.close();
    server = await serve(port);
    const second = await reopened;

    expect([first.userId, second.userId]).toEqual([me.userId, me.userId]);
    expect(ticketRequests, say({ en: 'a ticket works once: fetch a new one for each connection (connectors.ts)', ko: '티켓은 한 번만 통합니다: 연결할 때마다 새 티켓을 받으세요(connectors.ts)' })).toBeGreaterThanOrEqual(2);
  });

  test('gives up after maxAttempts when the server stays down', async () => {
    const me = await createSession(db.prisma);
    const server = await serve();
    const client = new ChatClient({ connect: bearerConnector(server.wsUrl, () => me.token, WebSocket), backoff: { baseMs: 1, capMs: 5 }, maxAttempts: 3 });
    const next = track(client);
    await firstOpen(client);

    const gaveUp = next('giveup');
    await server.close();

    expect(await gaveUp).toEqual({ attempts: 3, code: expect.any(Number) });
  });
});

describe('dead server', () => {
  test('a server that stops answering is detected by the heartbeat, and the client reconnects', async () => {
    const silent = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await once(silent, 'listening');
    cleanups.push(() => new Promise((resolve) => silent.close(resolve)));
    let connections = 0;
    silent.on('connection', (ws) => {
      connections += 1;
      ws.on('error', () => {});
      ws.send(JSON.stringify({ type: 'welcome', userId: 1, connectionId: `c${connections}` }));
      // ...and never a word more: pings go unanswered, like a server behind a dead NAT entry.
    });
    cleanups.push(() => {
      for (const ws of silent.clients) ws.terminate();
    });
    const { port } = silent.address() as { port: number };
    const client = new ChatClient({
      connect: () => new WebSocket(`ws://127.0.0.1:${port}`),
      heartbeat: { intervalMs: 30, timeoutMs: 30 },
      backoff: { baseMs: 1, capMs: 1 },
    });
    const next = track(client);
    await withDeadline(client.start(), 5000, say({ en: 'the client should connect and get its welcome (chat-client.ts)', ko: '클라이언트가 연결되어 welcome을 받아야 합니다(chat-client.ts)' }));

    const closed = await next('close', 'close after the heartbeat timeout');
    const reopened = await next('open', 'open on a new connection');

    expect(closed).toEqual({ code: 4000, reason: 'heartbeat timeout' });
    // Usually c2; on a loaded machine c2's welcome can come later than intervalMs + timeoutMs, and
    // the client rightly gives that attempt up too: any connection after the first one will do.
    expect(reopened, say({ en: 'after the heartbeat timeout, the client should open a new connection', ko: '하트비트 시간이 지나면 클라이언트는 새 연결을 열어야 합니다' })).toMatchObject({
      connectionId: expect.not.stringMatching(/^c1$/),
      reconnected: true,
    });
  });
});

describe('flapping server', () => {
  test('a server that welcomes and then closes every connection with 1011 sees growing delays', async () => {
    const flapping = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await once(flapping, 'listening');
    cleanups.push(() => new Promise((resolve) => flapping.close(resolve)));
    flapping.on('connection', (ws) => {
      ws.on('error', () => {});
      ws.send(JSON.stringify({ type: 'welcome', userId: 1, connectionId: 'c' }));
      ws.close(1011, 'internal error'); // accepted, welcomed, and dropped: a crash loop behind a proxy
    });
    const { port } = flapping.address() as { port: number };
    const client = new ChatClient({ connect: () => new WebSocket(`ws://127.0.0.1:${port}`), backoff: { baseMs: 2, capMs: 1000 }, random: () => 1 });
    track(client);
    const attempts: Array<ChatClientEvents['reconnecting']> = [];
    const fifth = new Promise<void>((resolve) =>
      client.on('reconnecting', (event) => {
        attempts.push(event);
        if (attempts.length === 5) resolve();
      }),
    );

    await withDeadline(client.start(), 5000, say({ en: 'the client should connect and get its welcome (chat-client.ts)', ko: '클라이언트가 연결되어 welcome을 받아야 합니다(chat-client.ts)' }));
    await withDeadline(fifth, 5000, say({ en: 'five reconnect attempts', ko: '재연결 시도 다섯 번' }));

    expect(
      attempts.map((a) => a.attempt),
      say({ en: 'the welcome alone must not reset the backoff: only a connection that stays up for healthyAfterMs does', ko: 'welcome만으로는 백오프를 초기화하면 안 됩니다: healthyAfterMs 동안 유지된 연결만 초기화합니다' }),
    ).toEqual([1, 2, 3, 4, 5]);
    expect(attempts.map((a) => a.delayMs)).toEqual([2, 4, 8, 16, 32]);
  });
});
