// The app at its edges: requests Node's HTTP parser refuses, and failed logins in a row.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedApp } from '../index.ts';
import { useDatabase, useRedis } from '../../../tools/testing/test-env.ts';
import { connect, handshakeStatus } from '../../../tools/testing/ws-client.ts';
import { createOtherUser, login, rawStatus, request, startTestApp } from './kit.ts';

const db = useDatabase();
const redis = useRedis();

let app: StartedApp;

beforeAll(async () => {
  app = await startTestApp(db, redis);
});

afterAll(async () => {
  await app?.close();
});

describe('requests the HTTP parser refuses', () => {
  it('answers 431 to more than 16 KiB of headers and 400 to a malformed request, instead of a reset', async () => {
    const huge = `GET /api/me HTTP/1.1\r\nHost: x\r\nX-Padding: ${'a'.repeat(20 * 1024)}\r\n\r\n`;
    const malformed = 'GET /api/me HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n';

    expect(await rawStatus(app, huge), '16 KiB of headers is Node\'s limit: answer 431 like its default clientError handler').toBe(431);
    expect(await rawStatus(app, malformed), 'a request that does not parse gets 400').toBe(400);
  });
});

describe('failed logins', () => {
  it('locks a stranger out of an account after 5 failures from his address: 429 with Retry-After, for the right password too, and alike for an unknown email', async () => {
    const victim = await createOtherUser(db.prisma);
    const wrong = { email: victim.email, password: 'not-the-password' };
    const unknown = { email: 'nobody@example.test', password: 'whatever' };

    const answers: number[] = [];
    for (let i = 0; i < 6; i += 1) answers.push((await request(app, 'POST', '/api/login', { body: wrong })).status);
    const right = await request(app, 'POST', '/api/login', { body: { email: victim.email, password: victim.password } });
    const unknownAnswers: number[] = [];
    for (let i = 0; i < 6; i += 1) unknownAnswers.push((await request(app, 'POST', '/api/login', { body: unknown })).status);

    expect(answers, 'five wrong passwords get 401, the sixth attempt 429').toEqual([401, 401, 401, 401, 401, 429]);
    expect([right.status, right.body.error], 'while locked, the right password from that address gets the same 429: no oracle').toEqual([429, 'too_many_logins']);
    expect(Number(right.headers.get('retry-after')), 'Retry-After: the seconds left in the window').toBeGreaterThan(0);
    expect(unknownAnswers, 'an unknown email is counted and locked exactly like a real one').toEqual(answers);
  });

  it('does not lock the owner out: after a stranger\'s 5 failures, the right password from another address signs in', async () => {
    const victim = await createOtherUser(db.prisma);
    const stranger: number[] = [];
    for (let i = 0; i < 6; i += 1) stranger.push((await loginFrom('127.0.0.3', { email: victim.email, password: 'not-the-password' })).status);

    const owner = await loginFrom('127.0.0.4', { email: victim.email, password: victim.password });

    expect(stranger, 'the stranger is locked after 5 failures').toEqual([401, 401, 401, 401, 401, 429]);
    expect(owner.status, 'one stranger must not lock the account for everyone: count failures per (account, address), per account only with a much higher limit (login-throttle.ts)').toBe(201);
  });

  it('limits failures per address across accounts', async () => {
    // A prefix of its own: the counters of the other tests in this file do not count here.
    const limited = await startTestApp(db, redis, { redisPrefix: `${redis.prefix}ip:`, loginThrottle: { maxFailuresPerAccount: 100, maxFailuresPerIp: 3 } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i += 1) statuses.push((await request(limited, 'POST', '/api/login', { body: { email: `guess-${i}@example.test`, password: 'x' } })).status);

      expect(statuses, 'the fourth failure from one address within the window gets 429, whatever the account').toEqual([401, 401, 401, 429]);
    } finally {
      await limited.close();
    }
  });
});

describe('behind a load balancer (trustProxy)', () => {
  it('counts failures per client from X-Forwarded-For (right-most untrusted hop), not per proxy; ignores the header when off', async () => {
    const guess = (target: StartedApp, forwardedFor: string, i: number) =>
      request(target, 'POST', '/api/login', { body: { email: `lb-${i}@example.test`, password: 'x' }, headers: { 'x-forwarded-for': forwardedFor } });
    const behind = await startTestApp(db, redis, { redisPrefix: `${redis.prefix}lb:`, trustProxy: 1, loginThrottle: { maxFailuresPerIp: 3 } });
    const direct = await startTestApp(db, redis, { redisPrefix: `${redis.prefix}direct:`, loginThrottle: { maxFailuresPerIp: 3 } });
    try {
      const attacker: number[] = [];
      // The attacker writes his own X-Forwarded-For entries; the balancer appends the real address.
      for (let i = 0; i < 4; i += 1) attacker.push((await guess(behind, `10.9.9.${i}, 203.0.113.7`, i)).status);
      const neighbour = await guess(behind, '198.51.100.2', 9);
      const spoofed: number[] = [];
      for (let i = 0; i < 4; i += 1) spoofed.push((await guess(direct, `203.0.113.${i}`, i)).status);

      expect(attacker, 'the client is the right-most X-Forwarded-For entry the trusted proxy appended: the 4th failure is 429 (client-address.ts)').toEqual([401, 401, 401, 429]);
      expect(neighbour.status, 'another client behind the same balancer is not locked out by the attacker').toBe(401);
      expect(spoofed, 'without trustProxy a client-set X-Forwarded-For is ignored: all 4 come from one socket address').toEqual([401, 401, 401, 429]);
    } finally {
      await behind.close();
      await direct.close();
    }
  });

  it('caps sockets per client, not per proxy: a second client behind the balancer still connects', async () => {
    const behind = await startTestApp(db, redis, { redisPrefix: `${redis.prefix}lbws:`, trustProxy: ['127.0.0.1'], maxConnections: { perIp: 1 } });
    try {
      const token = await login(behind);
      await connect(behind.wsUrl, { token, headers: { 'x-forwarded-for': '203.0.113.7' }, closeAfterTest: true });

      const sameClient = await handshakeStatus(behind.wsUrl, { token, headers: { 'x-forwarded-for': '203.0.113.7' } });
      const otherClient = await handshakeStatus(behind.wsUrl, { token, headers: { 'x-forwarded-for': '198.51.100.2' } });

      expect([sameClient, otherClient], 'the per-IP cap counts the X-Forwarded-For client behind a trusted proxy (app.ts clientAddress → ChatServer)').toEqual([429, 101]);
    } finally {
      await behind.close();
    }
  });
});

describe('realtime limits', () => {
  it('refuses direct messages between users (no relation in the app), without revealing who is online', async () => {
    const token = await login(app);
    const client = await connect(app.wsUrl, { token, closeAfterTest: true });

    client.send({ type: 'dm', to: client.welcome.userId, text: 'hi', id: 'a' });
    client.send({ type: 'dm', to: 999_999, text: 'hi', id: 'b' });

    expect(await client.next('the answer to a dm')).toMatchObject({ type: 'error', code: 'dm_not_allowed', id: 'a' });
    expect(await client.next('the answer to a dm to nobody')).toMatchObject({ type: 'error', code: 'dm_not_allowed', id: 'b' });
  });

  it('caps the sockets one user may hold: the next handshake gets 429', async () => {
    const capped = await startTestApp(db, redis, { maxConnections: { perUser: 2 } });
    try {
      const token = await login(capped);
      await connect(capped.wsUrl, { token, closeAfterTest: true });
      await connect(capped.wsUrl, { token, closeAfterTest: true });

      expect(await handshakeStatus(capped.wsUrl, { token })).toBe(429);
    } finally {
      await capped.close();
    }
  });
});

/** POST /api/login from a chosen loopback address (Linux routes all of 127.0.0.0/8 to lo): a second client. */
function loginFrom(localAddress: string, body: { email: string; password: string }): Promise<{ status: number }> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(`${app.url}/api/login`, { method: 'POST', localAddress, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) }, timeout: 10_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
    });
    req.on('timeout', () => req.destroy(new Error(`POST /api/login from ${localAddress}: no answer in 10 s`)));
    req.on('error', reject);
    req.end(payload);
  });
}
