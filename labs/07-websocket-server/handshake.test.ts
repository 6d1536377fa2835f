// Authentication happens in the HTTP upgrade handler: a refused client never gets a WebSocket.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, test } from 'vitest';
import { useDatabase, useRedis } from '../../tools/testing/test-env.ts';
import { waitFor } from '../../tools/testing/wait.ts';
import { startChatServer, type ChatServer, type ChatServerOptions } from './chat-server.ts';
import { sessionCacheKey, ticketKey } from './keys.ts';
import { connect, handshakeStatus } from '../../tools/testing/ws-client.ts';
import { captureLogger, createSession, rawStatus, requestTicket } from './test-kit.ts';
import { CloseCode } from './protocol.ts';
import { say } from '../../tools/testing/say.ts';

const db = useDatabase();
const redis = useRedis();
const APP_ORIGIN = 'http://app.test';

let server: ChatServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(options: Partial<ChatServerOptions> = {}) {
  server = await startChatServer({ prisma: db.prisma, redis: redis.client, keyPrefix: redis.prefix, allowedOrigins: [APP_ORIGIN], ...options });
  return server;
}

describe('session tokens (Authorization: Bearer)', () => {
  test('a valid session token upgrades and the welcome names the user', async () => {
    const { userId, token } = await createSession(db.prisma);
    const { wsUrl } = await start();

    const client = await connect(wsUrl, { token });

    expect(client.welcome, say({ en: 'the first message should be { type: "welcome", userId, connectionId }', ko: '첫 메시지는 { type: "welcome", userId, connectionId }여야 합니다' })).toEqual({
      type: 'welcome',
      userId,
      connectionId: expect.any(String),
    });
    await client.close();
  });

  test('missing, unknown and expired tokens get 401 before any upgrade', async () => {
    const expired = await createSession(db.prisma, { ttlMs: -60_000 });
    const { wsUrl } = await start();

    const statuses = {
      missing: await handshakeStatus(wsUrl),
      unknown: await handshakeStatus(wsUrl, { token: 'no-such-token' }),
      expired: await handshakeStatus(wsUrl, { token: expired.token }),
    };

    expect(statuses, say({ en: 'answer 401 in the upgrade handler instead of accepting and closing with 1008 (chat-server.ts)', ko: '받아들인 뒤 1008로 닫지 말고, 업그레이드 핸들러에서 401로 답하세요(chat-server.ts)' })).toEqual({
      missing: 401,
      unknown: 401,
      expired: 401,
    });
    expect(server!.stats().connections, say({ en: 'a refused handshake must not leave a connection behind', ko: '거절된 핸드셰이크는 연결을 남기면 안 됩니다' })).toBe(0);
  });

  test('a session token in the URL is refused', async () => {
    const { token } = await createSession(db.prisma);
    const { wsUrl } = await start();

    const status = await handshakeStatus(wsUrl, { query: `?token=${token}` });

    expect(status, say({ en: 'tokens in URLs end up in access logs: only Bearer headers and tickets count (handshake.ts)', ko: 'URL의 토큰은 접근 로그에 남습니다: Bearer 헤더와 티켓만 인정하세요(handshake.ts)' })).toBe(401);
  });

  test('the session is cached in Redis for its remaining lifetime, at most sessionCacheTtlMs', async () => {
    const short = await createSession(db.prisma, { ttlMs: 20_000 });
    const long = await createSession(db.prisma, { ttlMs: 3_600_000 });
    const { wsUrl } = await start({ sessionCacheTtlMs: 60_000 });

    for (const { token } of [short, long]) await (await connect(wsUrl, { token })).close();
    const shortTtl = await redis.client.pTTL(sessionCacheKey(redis.prefix, short.token));
    const longTtl = await redis.client.pTTL(sessionCacheKey(redis.prefix, long.token));

    expect(shortTtl, say({ en: 'a session that ends in 20 s is cached for what is left of it, not a fixed TTL (session-auth.ts)', ko: '20초 뒤에 끝나는 세션은 고정 TTL이 아니라 남은 시간만큼만 캐시해야 합니다(session-auth.ts)' })).toBeGreaterThan(10_000);
    expect(shortTtl).toBeLessThanOrEqual(20_000);
    expect(longTtl, say({ en: 'a long session is cached for at most sessionCacheTtlMs: a row deleted behind the cache stops working within that bound', ko: '긴 세션도 최대 sessionCacheTtlMs만 캐시합니다: 캐시 뒤에서 지워진 행은 그 시간 안에 더는 통하지 않아야 합니다' })).toBeGreaterThan(50_000);
    expect(longTtl).toBeLessThanOrEqual(60_000);
  });

  test('a cached session is served from Redis without asking PostgreSQL', async () => {
    const { userId, token } = await createSession(db.prisma);
    const { wsUrl } = await start();
    const first = await connect(wsUrl, { token });
    await first.close();

    await db.pool.query('DELETE FROM sessions WHERE token = $1', [token]);
    const second = await connect(wsUrl, { token });

    expect(second.welcome.userId, say({ en: 'the second handshake should hit the Redis cache (the row is gone from the database)', ko: '두 번째 핸드셰이크는 Redis 캐시에서 찾아야 합니다(행은 데이터베이스에서 지워졌습니다)' })).toBe(userId);
    await second.close();
  });

  test('an expired session is not cached', async () => {
    const { token } = await createSession(db.prisma, { ttlMs: -1000 });
    const { wsUrl } = await start();

    const status = await handshakeStatus(wsUrl, { token });

    expect(status).toBe(401);
    expect(await redis.client.exists(sessionCacheKey(redis.prefix, token)), say({ en: 'nothing to cache for an expired session', ko: '만료된 세션은 캐시할 것이 없습니다' })).toBe(0);
  });
});

describe('tickets for browsers', () => {
  test('POST /ws-ticket with a Bearer token returns a ticket that opens one socket', async () => {
    const { userId, token } = await createSession(db.prisma);
    const { url, wsUrl } = await start({ ticketTtlMs: 10_000 });

    const issued = await requestTicket(url, token);
    const ticket = String(issued.body.ticket);
    const client = await connect(wsUrl, { ticket, origin: APP_ORIGIN });

    expect(issued.status, say({ en: 'POST /ws-ticket should answer 201', ko: 'POST /ws-ticket은 201로 답해야 합니다' })).toBe(201);
    expect(issued.body).toEqual({ ticket: expect.any(String), expiresInMs: 10_000 });
    expect(client.welcome.userId).toBe(userId);
    await client.close();
  });

  test('a ticket works once (GETDEL)', async () => {
    const { token } = await createSession(db.prisma);
    const { url, wsUrl } = await start();
    const ticket = String((await requestTicket(url, token)).body.ticket);

    const first = await handshakeStatus(wsUrl, { ticket });
    const second = await handshakeStatus(wsUrl, { ticket });

    expect([first, second], say({ en: 'the second use of a ticket must fail: read and delete it in one step', ko: '티켓을 두 번째로 쓰면 실패해야 합니다: 한 단계로 읽고 지우세요' })).toEqual([101, 401]);
  });

  test('an expired ticket is refused', async () => {
    const { token } = await createSession(db.prisma);
    const { url, wsUrl } = await start({ ticketTtlMs: 50 });
    const ticket = String((await requestTicket(url, token)).body.ticket);

    await waitFor(async () => (await redis.client.exists(ticketKey(redis.prefix, ticket))) === 0, {
      message: say({ en: 'the ticket key should expire after ticketTtlMs (SET ... PX)', ko: '티켓 키는 ticketTtlMs 뒤에 만료되어야 합니다(SET ... PX)' }),
    });

    expect(await handshakeStatus(wsUrl, { ticket })).toBe(401);
  });

  test('a request that is not a valid upgrade gets 400 and does not use up the ticket', async () => {
    const { token } = await createSession(db.prisma);
    const { url, wsUrl } = await start();
    const ticket = String((await requestTicket(url, token)).body.ticket);
    const { port } = new URL(url);

    const broken = await rawStatus(Number(port), `GET /ws?ticket=${encodeURIComponent(ticket)} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    const fixed = await handshakeStatus(wsUrl, { ticket });

    expect(broken, say({ en: 'no Sec-WebSocket-Key: refuse with 400 bad_upgrade (isWebSocketUpgrade in handshake.ts)', ko: 'Sec-WebSocket-Key가 없으면 400 bad_upgrade로 거절하세요(handshake.ts의 isWebSocketUpgrade)' })).toBe(400);
    expect(fixed, say({ en: 'check the upgrade BEFORE redeeming the ticket: it must still work once', ko: '티켓을 쓰기 전에 업그레이드를 확인하세요: 티켓은 여전히 한 번 쓸 수 있어야 합니다' })).toBe(101);
  });

  test('/ws-ticket refuses a missing or unknown token', async () => {
    const { url } = await start();

    const missing = await requestTicket(url, null);
    const unknown = await requestTicket(url, 'no-such-token');

    expect(missing).toEqual({ status: 401, body: { error: 'missing_credential' } });
    expect(unknown).toEqual({ status: 401, body: { error: 'invalid_credential' } });
  });
});

describe('session revocation', () => {
  test('revokeSession closes that session\'s sockets with 4003, and its token gets 401 at once; other sessions stay', async () => {
    const { userId, token } = await createSession(db.prisma);
    const otherDevice = randomBytes(24).toString('base64url');
    await db.prisma.session.create({ data: { token: otherDevice, userId, expiresAt: new Date(Date.now() + 3_600_000) } });
    const { url, wsUrl } = await start();
    const tab = await connect(wsUrl, { token, closeAfterTest: true });
    const phone = await connect(wsUrl, { token: otherDevice, closeAfterTest: true });

    const closedCount = await server!.revokeSession(token);
    const closed = await tab.waitClosed('close code 4003 for the revoked session\'s socket');
    const afterwards = { handshake: await handshakeStatus(wsUrl, { token }), ticket: (await requestTicket(url, token)).status };
    phone.send({ type: 'ping' });

    expect(closed.code, say({ en: 'a revoked session\'s sockets close with CloseCode.SESSION_REVOKED', ko: '폐기된 세션의 소켓은 CloseCode.SESSION_REVOKED로 닫혀야 합니다' })).toBe(CloseCode.SESSION_REVOKED);
    expect(closedCount).toBe(1);
    expect(afterwards, say({ en: 'the cached session must go with the row (SessionAuth.revokeSession deletes the cache key)', ko: '캐시된 세션도 행과 함께 사라져야 합니다(SessionAuth.revokeSession이 캐시 키를 지웁니다)' })).toEqual({ handshake: 401, ticket: 401 });
    expect(await db.prisma.session.count({ where: { token } }), say({ en: 'the row is deleted', ko: '행이 지워져야 합니다' })).toBe(0);
    expect(await phone.next('the other device\'s pong'), say({ en: 'another session of the same user is not touched', ko: '같은 사용자의 다른 세션은 건드리지 않아야 합니다' })).toEqual({ type: 'pong' });
  });

  test('a ticket issued before the revocation cannot be redeemed after it', async () => {
    const { token } = await createSession(db.prisma);
    const { url, wsUrl } = await start();
    const ticket = String((await requestTicket(url, token)).body.ticket);

    await server!.auth.revokeSession(token);

    expect(await handshakeStatus(wsUrl, { ticket }), say({ en: 'a ticket is a copy of the session: revoking the session revokes it (revokedSessionKey)', ko: '티켓은 세션의 사본입니다: 세션을 폐기하면 티켓도 폐기됩니다(revokedSessionKey)' })).toBe(401);
  });
});

describe('origin allow-list', () => {
  test('a foreign Origin gets 403 even with a valid credential', async () => {
    const { token } = await createSession(db.prisma);
    const { wsUrl, url } = await start();

    const socket = await handshakeStatus(wsUrl, { token, origin: 'http://evil.test' });
    const ticket = await requestTicket(url, token, 'http://evil.test');
    const allowed = await handshakeStatus(wsUrl, { token, origin: APP_ORIGIN });

    expect(socket, say({ en: 'browsers do not apply CORS to WebSockets: check Origin in the upgrade handler', ko: '브라우저는 WebSocket에 CORS를 적용하지 않습니다: 업그레이드 핸들러에서 Origin을 확인하세요' })).toBe(403);
    expect(ticket.status, say({ en: '/ws-ticket refuses a foreign Origin too', ko: '/ws-ticket도 다른 Origin을 거절해야 합니다' })).toBe(403);
    expect(allowed, say({ en: 'an allowed Origin connects', ko: '허용된 Origin은 연결됩니다' })).toBe(101);
  });

  test('an allowed Origin gets CORS headers on /ws-ticket', async () => {
    const { url } = await start();

    const res = await fetch(`${url}/ws-ticket`, { method: 'OPTIONS', headers: { origin: APP_ORIGIN, 'access-control-request-method': 'POST' } });

    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    expect(res.headers.get('access-control-allow-headers')).toMatch(/authorization/i);
  });
});

describe('logging', () => {
  test('tokens and tickets never appear in the logs, outcomes do', async () => {
    const { userId, token } = await createSession(db.prisma);
    const log = captureLogger();
    const { url, wsUrl } = await start({ logger: log.logger });
    const ticket = String((await requestTicket(url, token)).body.ticket);

    const viaBearer = await connect(wsUrl, { token });
    const viaTicket = await connect(wsUrl, { ticket });
    await handshakeStatus(wsUrl, { token: `${token}x` });
    await handshakeStatus(wsUrl, { ticket });
    await handshakeStatus(wsUrl, { query: `?token=${token}` });
    await viaBearer.close();
    await viaTicket.close();

    expect(log.text(), say({ en: 'a log line contains the token: log ids and codes, never credentials or req.url', ko: '로그 줄에 토큰이 있습니다: id와 코드만 남기고, 자격 증명이나 req.url은 남기지 마세요' })).not.toContain(token);
    expect(log.text(), say({ en: 'a log line contains the ticket', ko: '로그 줄에 티켓이 있습니다' })).not.toContain(ticket);
    expect(log.lines.filter((l) => l.event === 'ws.connected').map((l) => l.fields.userId), say({ en: 'log each accepted connection with its userId', ko: '받아들인 연결마다 userId와 함께 로그를 남기세요' })).toEqual([
      userId,
      userId,
    ]);
    expect(log.lines.filter((l) => l.event === 'ws.rejected').map((l) => l.fields.code), say({ en: 'log each refusal with its code', ko: '거절마다 코드와 함께 로그를 남기세요' })).toEqual([
      'invalid_credential',
      'invalid_credential',
      'missing_credential',
    ]);
  });
});
