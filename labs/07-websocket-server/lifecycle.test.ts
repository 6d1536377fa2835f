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
import { say } from '../../tools/testing/say.ts';
import { rejected, resolved } from '../../tools/testing/settled.ts';

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
    await waitFor(() => server!.stats().connections === 1, { message: say({ en: 'the terminated peer should leave the registry', ko: 'terminate된 상대는 레지스트리에서 빠져야 합니다' }) });
    live.send({ type: 'ping' });

    expect(closed.code, say({ en: 'terminate() (not close()): a dead peer cannot do a close handshake, so the client sees 1006', ko: 'close()가 아니라 terminate(): 죽은 상대는 닫기 핸드셰이크를 못 하므로 클라이언트는 1006을 봅니다' })).toBe(1006);
    expect(await live.next(), say({ en: 'a peer that answers pings must be kept', ko: 'ping에 답하는 상대는 남겨 둬야 합니다' })).toEqual({ type: 'pong' });
  });

  test('close() clears the heartbeat interval', async () => {
    const setIntervalSpy = vi.spyOn(globalThis, 'setInterval');
    const clearIntervalSpy = vi.spyOn(globalThis, 'clearInterval');
    const s = await start({ heartbeatIntervalMs: 1000 });

    await s.close();
    server = undefined;

    const started = setIntervalSpy.mock.results.map((r) => r.value as unknown);
    const cleared = clearIntervalSpy.mock.calls.map((c) => c[0] as unknown);
    expect(started.length, say({ en: 'run the heartbeat with setInterval (chat-server.ts)', ko: '하트비트는 setInterval로 돌리세요(chat-server.ts)' })).toBeGreaterThan(0);
    for (const handle of started) expect(cleared, say({ en: 'every interval the server started must be cleared in close()', ko: '서버가 시작한 인터벌은 close()에서 모두 지워야 합니다' })).toContain(handle);
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
  const pad = 'x'.repeat(48 * 1024); // big frames fill the kernel's socket buffers (a few MB on loopback) in fewer rounds
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
    const bound = softLimitBytes + pad.length + 100;
    // A server that keeps queueing for the stalled reader is past `bound` at once: stop there too.
    while (sent < 3000 && slowInfo().dropped < 20 && maxBuffered <= bound) {
      sender.send({ type: 'say', room: 'r', text: `${sent}:${pad}`, excludeSelf: true });
      const got = await reader.next(`message ${sent} at the healthy reader`);
      expect(String(got.text).split(':')[0], say({ en: 'the healthy reader must get every message, in order', ko: '건강한 수신자는 모든 메시지를 순서대로 받아야 합니다' })).toBe(String(sent));
      sent += 1;
      maxBuffered = Math.max(maxBuffered, slowInfo().bufferedAmount);
    }
    const { dropped, closing } = slowInfo();

    expect(dropped, say({ en: `after ${sent} broadcasts the stalled reader should have had some dropped (decideSend in chat-server.ts send())`, ko: `브로드캐스트 ${sent}번 뒤에는 멈춘 수신자의 메시지 일부가 버려졌어야 합니다(chat-server.ts send()의 decideSend)` })).toBeGreaterThanOrEqual(20);
    expect(maxBuffered, say({ en: 'the stalled reader\'s buffer must stay within the soft limit plus one message', ko: '멈춘 수신자의 버퍼는 소프트 한도 + 메시지 하나 안에 있어야 합니다' })).toBeLessThanOrEqual(bound);
    expect(closing, say({ en: 'dropping broadcasts is enough: the slow reader is not disconnected', ko: '브로드캐스트를 버리는 것으로 충분합니다: 느린 수신자의 연결을 끊지 않습니다' })).toBe(false);
    slow.ws.resume();
    const received: number[] = [];
    while (received.length < sent - dropped) received.push(Number(String((await slow.next('the messages that were not dropped')).text).split(':')[0]));
    expect(received, say({ en: 'what was not dropped arrives in order', ko: '버려지지 않은 것은 순서대로 도착해야 합니다' })).toEqual([...received].sort((a, b) => a - b));
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

    expect(slowInfo()?.closing, say({ en: `after ${sent} pushes the stalled reader should be closing`, ko: `${sent}번 보낸 뒤에는 멈춘 수신자가 닫히는 중이어야 합니다` })).toBe(true);
    expect(maxBuffered, say({ en: 'never queue past the hard limit', ko: '하드 한도를 넘겨 쌓지 마세요' })).toBeLessThanOrEqual(hardLimitBytes);
    slow.ws.resume();
    const closed = await slow.waitClosed('close code 4008 once the reader catches up', 10_000);
    expect(closed.code).toBe(CloseCode.SLOW_CONSUMER);
    await waitFor(() => server!.stats().connections === 0, { message: say({ en: 'the slow consumer should leave the registry once closed', ko: '느린 소비자는 닫힌 뒤 레지스트리에서 빠져야 합니다' }) });
  });

  test('direct messages from another user never close the recipient: past the limits they are dropped and the sender gets recipient_busy', async () => {
    const { wsUrl } = await start(options);
    const [sender, slow] = [await user(wsUrl), await user(wsUrl)];
    const slowInfo = () => server!.connections().find((c) => c.id === slow.welcome.connectionId);

    slow.ws.pause();
    let busy: Record<string, unknown> | undefined;
    const bound = softLimitBytes + pad.length + 200;
    // A server that keeps queueing dms for the stalled reader is past `bound` at once: stop there too.
    for (let sent = 0; sent < 3000 && !busy && !slowInfo()?.closing && (slowInfo()?.bufferedAmount ?? 0) <= bound; sent += 1) {
      sender.send({ type: 'dm', to: slow.userId, text: pad, id: String(sent) });
      sender.send({ type: 'ping' });
      const answer = await sender.next('an error or the pong after the dm');
      if (answer.type === 'error') busy = answer;
      if (answer.type !== 'pong') await sender.nextOf('pong', 'the pong after the dm');
    }

    expect(slowInfo()?.closing, say({ en: 'another user\'s dms are not essential for the recipient: never close their socket with 4008 (dm in dispatch)', ko: '다른 사용자의 DM은 수신자에게 필수가 아닙니다: 그 소켓을 4008로 닫지 마세요(dispatch의 dm)' })).toBe(false);
    expect(busy, say({ en: 'once the recipient is not reading, tell the sender the dm was dropped', ko: '수신자가 읽지 않으면 DM이 버려졌다고 보낸 사람에게 알리세요' })).toMatchObject({ type: 'error', code: 'recipient_busy' });
    expect(slowInfo()!.bufferedAmount, say({ en: 'the recipient\'s buffer stays within the soft limit plus one message', ko: '수신자의 버퍼는 소프트 한도 + 메시지 하나 안에 있어야 합니다' })).toBeLessThanOrEqual(bound);
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
    await withDeadline(closing, 3000, say({ en: 'close() should resolve once every socket is closed', ko: 'close()는 모든 소켓이 닫히면 끝나야 합니다' }));
    const again = s.close();

    expect(codes, say({ en: 'tell clients the server is going away (CloseCode.GOING_AWAY) so they reconnect', ko: '서버가 내려간다고(CloseCode.GOING_AWAY) 클라이언트에게 알려 다시 연결하게 하세요' })).toEqual([1001, 1001]);
    expect(s.stats()).toEqual({ connections: 0, users: 0, rooms: 0 });
    (await rejected(fetch(`${s.url}/ws-ticket`, { method: 'POST' }), say({ en: 'the port should be closed', ko: '포트가 닫혀야 합니다' }))).toBeInstanceOf(Error);
    (await resolved(again, say({ en: 'close() is idempotent', ko: 'close()는 멱등이어야 합니다' }))).toBeUndefined();
    server = undefined;
  });

  test('a peer that never answers the close frame is terminated after shutdownTimeoutMs', async () => {
    const s = await start({ shutdownTimeoutMs: 100 });
    const stuck = await user(s.wsUrl);
    stuck.ws.pause();

    await withDeadline(s.close(), 3000, say({ en: 'close() must not wait forever for a peer that stopped reading', ko: 'close()가 읽기를 멈춘 상대를 끝없이 기다리면 안 됩니다' }));
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
    await waitFor(() => !client.isReady, { message: say({ en: 'the Redis client should notice that Redis is gone', ko: 'Redis 클라이언트가 Redis가 사라진 것을 알아채야 합니다' }) });
    alice.send({ type: 'say', room: 'r', text: 'redis is down' });
    const toBob = await bob.next('a broadcast while Redis is down');
    const bearerStatus = await handshakeStatus(s.wsUrl, { token: carol.token });
    const ticketWhileDown = await requestTicket(s.url, carol.token);
    await privateServer.start();
    await waitFor(() => client.isReady, { message: say({ en: 'the Redis client should reconnect', ko: 'Redis 클라이언트가 다시 연결해야 합니다' }) });
    const ticketAfter = await requestTicket(s.url, carol.token);
    const ticketStatus = await handshakeStatus(s.wsUrl, { ticket: String(ticketAfter.body.ticket) });

    expect(toBob, say({ en: 'connected sockets do not need Redis', ko: '연결된 소켓에는 Redis가 필요 없습니다' })).toMatchObject({ type: 'message', text: 'redis is down' });
    expect(bearerStatus, say({ en: 'with Redis down, check the session in PostgreSQL (session-auth.ts cacheGet)', ko: 'Redis가 죽어 있으면 세션을 PostgreSQL에서 확인하세요(session-auth.ts의 cacheGet)' })).toBe(101);
    expect(ticketWhileDown, say({ en: 'tickets live only in Redis: answer 503 auth_unavailable, do not hang', ko: '티켓은 Redis에만 있습니다: 멈추지 말고 503 auth_unavailable로 답하세요' })).toEqual({ status: 503, body: { error: 'auth_unavailable' } });
    expect(ticketAfter.status, say({ en: 'once Redis is back, tickets work again', ko: 'Redis가 돌아오면 티켓이 다시 통해야 합니다' })).toBe(201);
    expect(ticketStatus).toBe(101);
  });

  test('a Redis that stops answering (connection open, no replies) costs a handshake redisTimeoutMs, not its whole life', async () => {
    const proxy = await TcpProxy.start(redis.url);
    cleanups.push(() => proxy.close());
    const client: RedisClientType = createClient({ url: proxy.url, disableOfflineQueue: true });
    client.on('error', () => {});
    await client.connect();
    cleanups.push(async () => client.destroy());
    const s = await start({ redis: client, redisTimeoutMs: 100 });
    const carol = await createSession(db.prisma);

    proxy.freeze(); // isReady stays true: only a deadline notices
    const bearerStatus = await handshakeStatus(s.wsUrl, { token: carol.token, timeoutMs: 3000 });
    const ticket = await requestTicket(s.url, carol.token);
    proxy.thaw();

    expect(bearerStatus, say({ en: 'give up on Redis after redisTimeoutMs and ask PostgreSQL (session-auth.ts, this.call)', ko: 'redisTimeoutMs 뒤에는 Redis를 포기하고 PostgreSQL에 물으세요(session-auth.ts, this.call)' })).toBe(101);
    expect(ticket, say({ en: 'tickets live only in Redis: 503 auth_unavailable within the deadline', ko: '티켓은 Redis에만 있습니다: 기한 안에 503 auth_unavailable' })).toEqual({ status: 503, body: { error: 'auth_unavailable' } });
  });
});
