// Connections over time: heartbeats, session expiry, slow readers, shutdown, Redis going away.
import { createClient, type RedisClientType } from 'redis';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { useDatabase, useRedis } from '../../tools/testing/test-env.ts';
import { waitFor, withDeadline } from '../../tools/testing/wait.ts';
import { startChatServer, type ChatServer, type ChatServerOptions } from './chat-server.ts';
import { CloseCode } from './protocol.ts';
import { restartableRedis } from '../../tools/testing/redis-server.ts';
import { TcpProxy } from '../../tools/testing/tcp-proxy.ts';
import { connect, handshakeStatus, type ConnectOptions, type TestClient } from '../../tools/testing/ws-client.ts';
import { createSession, requestTicket } from './test-kit.ts';

const db = useDatabase();
const redis = useRedis();

let server: ChatServer | undefined;
const clients: TestClient[] = [];
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await server?.close();
  server = undefined;
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  vi.restoreAllMocks();
});

async function start(options: Partial<ChatServerOptions> = {}) {
  server = await startChatServer({ prisma: db.prisma, redis: redis.client, keyPrefix: redis.prefix, ...options });
  return server;
}

async function user(wsUrl: string, options: ConnectOptions = {}) {
  const session = await createSession(db.prisma);
  const client = await connect(wsUrl, { token: session.token, ...options });
  clients.push(client);
  return Object.assign(client, { userId: session.userId, token: session.token });
}

async function join(client: TestClient, room: string) {
  client.send({ type: 'join', room });
  expect(await client.next(`"joined" for ${room}`)).toEqual({ type: 'joined', room });
}

describe('heartbeat', () => {
  test('a peer that stops answering pings is terminated; a live one stays', async () => {
    // Short enough for a quick test, long enough that a busy event loop does not starve the live peer's pong.
    const { wsUrl } = await start({ heartbeatIntervalMs: 250 });
    const live = await user(wsUrl);
    const dead = await user(wsUrl, { autoPong: false });

    const closed = await dead.waitClosed('the heartbeat to terminate a peer that sends no pong');
    await waitFor(() => server!.stats().connections === 1, { message: 'the terminated peer should leave the registry' });
    live.send({ type: 'ping' });

    expect(closed.code, 'terminate() (not close()): a dead peer cannot do a close handshake, so the client sees 1006').toBe(1006);
    expect(await live.next(), 'a peer that answers pings must be kept').toEqual({ type: 'pong' });
  });

  test('close() clears the heartbeat interval', async () => {
    const setIntervalSpy = vi.spyOn(globalThis, 'setInterval');
    const clearIntervalSpy = vi.spyOn(globalThis, 'clearInterval');
    const s = await start({ heartbeatIntervalMs: 1000 });

    await s.close();
    server = undefined;

    const started = setIntervalSpy.mock.results.map((r) => r.value as unknown);
    const cleared = clearIntervalSpy.mock.calls.map((c) => c[0] as unknown);
    expect(started.length, 'run the heartbeat with setInterval (chat-server.ts)').toBeGreaterThan(0);
    for (const handle of started) expect(cleared, 'every interval the server started must be cleared in close()').toContain(handle);
  });

  test('a socket whose session expires is closed with 4001', async () => {
    let now = Date.now();
    const session = await createSession(db.prisma, { ttlMs: 60_000 });
    const { wsUrl } = await start({ heartbeatIntervalMs: 100, now: () => now });
    const client = await connect(wsUrl, { token: session.token });
    clients.push(client);

    now += 61_000;

    expect((await client.waitClosed('close code 4001 after the session expired')).code).toBe(CloseCode.SESSION_EXPIRED);
  });
});

describe('backpressure', () => {
  const softLimitBytes = 64 * 1024;
  const hardLimitBytes = 512 * 1024;
  const pad = 'x'.repeat(16 * 1024);
  const options = {
    maxPayload: 64 * 1024,
    backpressure: { softLimitBytes, hardLimitBytes },
    rateLimit: { capacity: 100_000, refillPerSecond: 100_000 },
    userRateLimit: { capacity: 100_000, refillPerSecond: 100_000 },
  };

  test('broadcasts to a reader that stopped are dropped past the soft limit; others get every message', async () => {
    const { wsUrl } = await start(options);
    const [sender, reader, slow] = [await user(wsUrl), await user(wsUrl), await user(wsUrl)];
    for (const c of [sender, reader, slow]) await join(c, 'r');
    const slowInfo = () => server!.connections().find((c) => c.id === slow.welcome.connectionId)!;

    slow.ws.pause(); // stops reading: the kernel buffers fill, then the server's send buffer grows
    let sent = 0;
    let maxBuffered = 0;
    while (sent < 3000 && slowInfo().dropped < 20) {
      sender.send({ type: 'say', room: 'r', text: `${sent}:${pad}`, excludeSelf: true });
      const got = await reader.next(`message ${sent} at the healthy reader`);
      expect(String(got.text).split(':')[0], 'the healthy reader must get every message, in order').toBe(String(sent));
      sent += 1;
      maxBuffered = Math.max(maxBuffered, slowInfo().bufferedAmount);
    }
    const { dropped, closing } = slowInfo();

    expect(dropped, `after ${sent} broadcasts the stalled reader should have had some dropped (decideSend in chat-server.ts send())`).toBeGreaterThanOrEqual(20);
    expect(maxBuffered, 'the stalled reader\'s buffer must stay within the soft limit plus one message').toBeLessThanOrEqual(softLimitBytes + pad.length + 100);
    expect(closing, 'dropping broadcasts is enough: the slow reader is not disconnected').toBe(false);
    slow.ws.resume();
    const received: number[] = [];
    while (received.length < sent - dropped) received.push(Number(String((await slow.next('the messages that were not dropped')).text).split(':')[0]));
    expect(received, 'what was not dropped arrives in order').toEqual([...received].sort((a, b) => a - b));
  });

  test('essential messages (server pushes) past the hard limit disconnect the slow reader with 4008', async () => {
    const { wsUrl } = await start(options);
    const slow = await user(wsUrl);
    const slowInfo = () => server!.connections().find((c) => c.id === slow.welcome.connectionId);

    slow.ws.pause();
    let sent = 0;
    let maxBuffered = 0;
    while (sent < 3000 && !slowInfo()?.closing) {
      server!.sendToUser(slow.userId, { type: 'event', name: 'test.push', data: pad });
      sent += 1;
      maxBuffered = Math.max(maxBuffered, slowInfo()?.bufferedAmount ?? 0);
    }

    expect(slowInfo()?.closing, `after ${sent} pushes the stalled reader should be closing`).toBe(true);
    expect(maxBuffered, 'never queue past the hard limit').toBeLessThanOrEqual(hardLimitBytes);
    slow.ws.resume();
    const closed = await slow.waitClosed('close code 4008 once the reader catches up', 10_000);
    expect(closed.code).toBe(CloseCode.SLOW_CONSUMER);
    await waitFor(() => server!.stats().connections === 0, { message: 'the slow consumer should leave the registry once closed' });
  });

  test('direct messages from another user never close the recipient: past the limits they are dropped and the sender gets recipient_busy', async () => {
    const { wsUrl } = await start(options);
    const [sender, slow] = [await user(wsUrl), await user(wsUrl)];
    const slowInfo = () => server!.connections().find((c) => c.id === slow.welcome.connectionId);

    slow.ws.pause();
    let busy: Record<string, unknown> | undefined;
    for (let sent = 0; sent < 3000 && !busy && !slowInfo()?.closing; sent += 1) {
      sender.send({ type: 'dm', to: slow.userId, text: pad, id: String(sent) });
      sender.send({ type: 'ping' });
      const answer = await sender.next('an error or the pong after the dm');
      if (answer.type === 'error') busy = answer;
      if (answer.type !== 'pong') await sender.nextOf('pong', 'the pong after the dm');
    }

    expect(slowInfo()?.closing, 'another user\'s dms are not essential for the recipient: never close their socket with 4008 (dm in dispatch)').toBe(false);
    expect(busy, 'once the recipient is not reading, tell the sender the dm was dropped').toMatchObject({ type: 'error', code: 'recipient_busy' });
    expect(slowInfo()!.bufferedAmount, 'the recipient\'s buffer stays within the soft limit plus one message').toBeLessThanOrEqual(softLimitBytes + pad.length + 200);
  });
});

describe('graceful shutdown', () => {
  test('close() sends 1001 to every socket, stops accepting, forgets everything and resolves', async () => {
    const s = await start();
    const [alice, bob] = [await user(s.wsUrl), await user(s.wsUrl)];
    await join(alice, 'r');
    await join(bob, 'r');

    const closing = s.close();
    closing.catch(() => {}); // awaited below; if the clients' closes fail first, this rejection is not "unhandled"
    const codes = (await Promise.all([alice.waitClosed('close 1001'), bob.waitClosed('close 1001')])).map((c) => c.code);
    await withDeadline(closing, 3000, 'close() should resolve once every socket is closed');
    const again = s.close();

    expect(codes, 'tell clients the server is going away (CloseCode.GOING_AWAY) so they reconnect').toEqual([1001, 1001]);
    expect(s.stats()).toEqual({ connections: 0, users: 0, rooms: 0 });
    await expect(fetch(`${s.url}/ws-ticket`, { method: 'POST' }), 'the port should be closed').rejects.toThrow();
    await expect(again, 'close() is idempotent').resolves.toBeUndefined();
    server = undefined;
  });

  test('a peer that never answers the close frame is terminated after shutdownTimeoutMs', async () => {
    const s = await start({ shutdownTimeoutMs: 100 });
    const stuck = await user(s.wsUrl);
    stuck.ws.pause();

    await withDeadline(s.close(), 3000, 'close() must not wait forever for a peer that stopped reading');
    server = undefined;

    expect(s.stats().connections).toBe(0);
  });
});

// This test takes Redis down and brings it back: a redis-server of its own where the binary is on
// PATH (never the shared one), otherwise the shared server behind a TCP proxy that cuts every
// connection. Either way the test runs.
describe('Redis restarting', () => {
  test('open sockets keep working, bearer auth falls back to PostgreSQL, tickets fail with 503 until Redis is back', async () => {
    const privateServer = await restartableRedis(redis.url);
    cleanups.push(privateServer.close);
    const client: RedisClientType = createClient({ url: privateServer.url, socket: { reconnectStrategy: () => 50 } });
    client.on('error', () => {});
    await client.connect();
    cleanups.push(async () => client.destroy());
    const s = await start({ redis: client });
    const [alice, bob] = [await user(s.wsUrl), await user(s.wsUrl)];
    await join(alice, 'r');
    await join(bob, 'r');
    const carol = await createSession(db.prisma);

    await privateServer.stop();
    await waitFor(() => !client.isReady, { message: 'the Redis client should notice that Redis is gone' });
    alice.send({ type: 'say', room: 'r', text: 'redis is down' });
    const toBob = await bob.next('a broadcast while Redis is down');
    const bearerStatus = await handshakeStatus(s.wsUrl, { token: carol.token });
    const ticketWhileDown = await requestTicket(s.url, carol.token);
    await privateServer.start();
    await waitFor(() => client.isReady, { message: 'the Redis client should reconnect' });
    const ticketAfter = await requestTicket(s.url, carol.token);
    const ticketStatus = await handshakeStatus(s.wsUrl, { ticket: String(ticketAfter.body.ticket) });

    expect(toBob, 'connected sockets do not need Redis').toMatchObject({ type: 'message', text: 'redis is down' });
    expect(bearerStatus, 'with Redis down, check the session in PostgreSQL (session-auth.ts cacheGet)').toBe(101);
    expect(ticketWhileDown, 'tickets live only in Redis: answer 503 auth_unavailable, do not hang').toEqual({ status: 503, body: { error: 'auth_unavailable' } });
    expect(ticketAfter.status, 'once Redis is back, tickets work again').toBe(201);
    expect(ticketStatus).toBe(101);
  });

  test('a Redis that stops answering (connection open, no replies) costs a handshake redisTimeoutMs, not its whole life', async () => {
    const proxy = await TcpProxy.start(redis.url);
    cleanups.push(() => proxy.close());
    const client: RedisClientType = createClient({ url: proxy.url, disableOfflineQueue: true });
    client.on('error', () => {});
    await client.connect();
    cleanups.push(async () => client.destroy());
    const s = await start({ redis: client, redisTimeoutMs: 200 });
    const carol = await createSession(db.prisma);

    proxy.freeze(); // isReady stays true: only a deadline notices
    const bearerStatus = await handshakeStatus(s.wsUrl, { token: carol.token, timeoutMs: 3000 });
    const ticket = await requestTicket(s.url, carol.token);
    proxy.thaw();

    expect(bearerStatus, 'give up on Redis after redisTimeoutMs and ask PostgreSQL (session-auth.ts, this.call)').toBe(101);
    expect(ticket, 'tickets live only in Redis: 503 auth_unavailable within the deadline').toEqual({ status: 503, body: { error: 'auth_unavailable' } });
  });
});
