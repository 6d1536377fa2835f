// Logging out ends a session everywhere it is kept: the row, the Redis cache, its tickets and its
// open sockets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestTicket } from '../../../labs/07-websocket-server/test-kit.ts';
import { CloseCode } from '../../07-websocket-server/index.ts';
import { connect, handshakeStatus } from '../../../tools/testing/ws-client.ts';
import type { StartedApp } from '../index.ts';
import { useDatabase, useRedis } from '../../../tools/testing/test-env.ts';
import { login, rawStatus, request, startTestApp } from './kit.ts';

const db = useDatabase();
const redis = useRedis();

let app: StartedApp;

beforeAll(async () => {
  app = await startTestApp(db, redis);
});

afterAll(async () => {
  await app?.close();
});

describe('logout', () => {
  it('POST /api/logout: the token gets 401 at once on the API, the ticket endpoint and the handshake; its socket closes with 4003', async () => {
    const token = await login(app);
    const otherDevice = await login(app);
    await request(app, 'GET', '/api/me', { token }); // the session is now cached in Redis
    const ticket = String((await requestTicket(app.url, token)).body.ticket);
    const socket = await connect(app.wsUrl, { token, closeAfterTest: true });
    const phone = await connect(app.wsUrl, { token: otherDevice, closeAfterTest: true });

    const out = await request(app, 'POST', '/api/logout', { token });
    const closed = await socket.waitClosed('the logged-out session\'s socket to close');

    expect([out.status, out.body], 'logout revokes the session and reports the sockets it closed').toEqual([200, { loggedOut: true, closedSockets: 1 }]);
    expect(closed.code).toBe(CloseCode.SESSION_REVOKED);
    expect((await request(app, 'GET', '/api/projects', { token })).status, 'the cached session must not outlive the logout').toBe(401);
    expect((await requestTicket(app.url, token)).status).toBe(401);
    expect(await handshakeStatus(app.wsUrl, { token })).toBe(401);
    expect(await handshakeStatus(app.wsUrl, { ticket, origin: app.url }), 'a ticket issued before the logout is dead too').toBe(401);
    expect((await request(app, 'GET', '/api/me', { token: otherDevice })).status, 'the user\'s other sessions stay').toBe(200);
    phone.send({ type: 'ping' });
    expect(await phone.next('the other device\'s pong')).toEqual({ type: 'pong' });
  });
});

describe('tickets', () => {
  it('an upgrade request ws would refuse (no Sec-WebSocket-Key) gets 400 and leaves the ticket usable', async () => {
    const token = await login(app);
    const ticket = String((await requestTicket(app.url, token)).body.ticket);

    const broken = await rawStatus(app, `GET /ws?ticket=${encodeURIComponent(ticket)} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    const fixed = await handshakeStatus(app.wsUrl, { ticket, origin: app.url });

    expect(broken).toBe(400);
    expect(fixed, 'the ticket is redeemed only once every other check passed').toBe(101);
  });
});
