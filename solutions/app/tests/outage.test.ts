// Every wait on Redis and PostgreSQL on a request path has a deadline. A server that stops
// answering (connection open, no replies) is played by the TCP fault proxy: past the deadline a
// request degrades (the database instead of the cache) or answers 503 with a code, and the app
// recovers when the server answers again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handshakeStatus } from '../../../tools/testing/ws-client.ts';
import { TcpProxy } from '../../../tools/testing/tcp-proxy.ts';
import type { StartedApp } from '../index.ts';
import { useDatabase, useRedis } from '../../../tools/testing/test-env.ts';
import { login, request, startTestApp } from './kit.ts';

const db = useDatabase();
const redis = useRedis();

/** Well under "a few seconds", well over the app's deadlines (1 s for Redis and for PostgreSQL here). */
const ANSWER_WITHIN_MS = 4000;

let app: StartedApp;
let redisProxy: TcpProxy;
let pgProxy: TcpProxy;
let token: string;

beforeAll(async () => {
  redisProxy = await TcpProxy.start(redis.url);
  pgProxy = await TcpProxy.start(db.url);
  app = await startTestApp(db, redis, { redisUrl: redisProxy.url, databaseUrl: pgProxy.url, databaseTimeoutMs: 1000 });
  token = await login(app);
});

afterAll(async () => {
  redisProxy?.thaw();
  pgProxy?.thaw();
  await app?.close();
  await Promise.all([redisProxy?.close(), pgProxy?.close()]);
});

const within = { timeoutMs: ANSWER_WITHIN_MS };

describe('Redis stops answering', () => {
  it('signed-in requests fall back to PostgreSQL, tickets and logins answer 503 with a code, all within seconds; then it recovers', async () => {
    redisProxy.freeze();
    const me = await request(app, 'GET', '/api/me', { token, ...within });
    const projects = await request(app, 'GET', '/api/projects', { token, ...within });
    const handshake = await handshakeStatus(app.wsUrl, { token, timeoutMs: ANSWER_WITHIN_MS });
    const ticket = await request(app, 'POST', '/ws-ticket', { token, ...within });
    const loginAnswer = await request(app, 'POST', '/api/login', { body: { email: 'a@example.test', password: 'x' }, ...within });
    redisProxy.thaw();
    const ticketAfter = await request(app, 'POST', '/ws-ticket', { token, ...within });

    expect([me.status, projects.status], 'the session check must give up on Redis (lab 07 SessionAuth) and ask PostgreSQL').toEqual([200, 200]);
    expect(handshake, 'the WebSocket handshake too').toBe(101);
    expect([ticket.status, ticket.body.error], 'tickets live only in Redis: 503, not a hang').toEqual([503, 'auth_unavailable']);
    expect([loginAnswer.status, loginAnswer.body.error], 'the login throttle cannot count: 503, not a hang, not unthrottled').toEqual([503, 'login_unavailable']);
    expect(ticketAfter.status, 'once Redis answers again, tickets work').toBe(201);
  });
});

describe('PostgreSQL stops answering or refuses', () => {
  it('answers 503 database_unavailable within seconds, instead of hanging or 500, and recovers', async () => {
    await request(app, 'GET', '/api/me', { token }); // the session is cached: the database is the only thing that hangs

    pgProxy.freeze();
    const silent = await request(app, 'GET', '/api/projects', { token, ...within });
    pgProxy.thaw();
    await pgProxy.cut();
    const refused = await request(app, 'GET', '/api/projects', { token, ...within });
    await pgProxy.restore();
    const back = await request(app, 'GET', '/api/projects', { token, ...within });

    expect([silent.status, silent.body.error], 'a query with no answer past databaseTimeoutMs').toEqual([503, 'database_unavailable']);
    expect(silent.headers.get('retry-after')).toBe('5');
    expect([refused.status, refused.body.error], 'a database that refuses connections is unavailable, not our bug').toEqual([503, 'database_unavailable']);
    expect(back.status, 'the next request after the database is back succeeds').toBe(200);
  });
});
