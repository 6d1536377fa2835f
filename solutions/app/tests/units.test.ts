// The app's pure parts, with plain values: routing, passwords, notifications.
import { describe, expect, it } from 'vitest';
import { DEMO_USER } from '../../03-prisma-schema/index.ts';
import { DEMO_LOGIN, hashPassword, matchRoute, parseId, parseNotification, toEvent, verifyPassword, type Route } from '../index.ts';

describe('router', () => {
  const routes: Route<string>[] = [
    { method: 'GET', path: '/api/jobs', handler: 'list' },
    { method: 'POST', path: '/api/jobs/:id/simulate', handler: 'simulate' },
  ];

  it('matches a path with parameters and tells 404 from 405', () => {
    expect(matchRoute(routes, 'POST', '/api/jobs/12/simulate')).toEqual({ kind: 'found', handler: 'simulate', params: { id: '12' } });
    expect(matchRoute(routes, 'HEAD', '/api/jobs')).toMatchObject({ kind: 'found', handler: 'list' });
    expect(matchRoute(routes, 'DELETE', '/api/jobs')).toEqual({ kind: 'method_not_allowed', allow: ['GET'] });
    expect(matchRoute(routes, 'GET', '/api/jobs/12')).toEqual({ kind: 'not_found' });
    expect(matchRoute(routes, 'POST', '/api/jobs/%E0%A4%A/simulate'), 'a broken %-escape is no match, not a crash').toEqual({ kind: 'not_found' });
  });

  it('accepts only positive 32-bit integer ids', () => {
    expect(['1', '2147483647', '0', '-1', '01', '1.5', '2147483648', 'abc', ''].map(parseId)).toEqual([1, 2147483647, null, null, null, null, null, null, null]);
  });
});

describe('passwords', () => {
  it('verifies the seeded demo hash with the demo password, and nothing else', async () => {
    expect(await verifyPassword(DEMO_LOGIN.password, DEMO_USER.passwordHash)).toBe(true);
    expect(await verifyPassword('demo-password ', DEMO_USER.passwordHash)).toBe(false);
    expect(await verifyPassword(DEMO_LOGIN.password, '!'), 'a record in another format never matches').toBe(false);
  });

  it('hashes with a random salt: two hashes of one password differ and both verify', async () => {
    const [a, b] = await Promise.all([hashPassword('s3cret'), hashPassword('s3cret')]);

    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$[\w-]+\$[\w-]{43}$/);
    expect([await verifyPassword('s3cret', a), await verifyPassword('s3cret', b)]).toEqual([true, true]);
  });
});

describe('notifications', () => {
  it('travels as a lab 07 event named after its type, and parses back', () => {
    const event = toEvent({ type: 'job.progress', jobId: 3, status: 'processing', progress: 40, version: 5, etaMs: 1200 });

    expect(event).toEqual({ type: 'event', name: 'job.progress', data: { jobId: 3, status: 'processing', progress: 40, version: 5, etaMs: 1200 } });
    expect(parseNotification(event)).toEqual({ type: 'job.progress', jobId: 3, status: 'processing', progress: 40, version: 5, etaMs: 1200 });
  });

  it('rejects any other event without throwing', () => {
    const events = [
      { name: 'chat.hello', data: { jobId: 3, status: 'processing', progress: 40 } },
      { name: 'job.progress', data: { jobId: 3, status: 'done', progress: 40 } },
      { name: 'job.progress', data: { jobId: 3, status: 'processing', progress: 140 } },
      { name: 'job.progress', data: null },
      { name: 'job.progress', data: 'hello' },
      { name: 'job.progress', data: [3] },
    ];
    for (const event of events) {
      expect(parseNotification(event), JSON.stringify(event)).toBeNull();
    }
  });
});
