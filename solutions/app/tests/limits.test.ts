// The app at its edges: requests Node's HTTP parser refuses, and failed logins in a row.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedApp } from '../index.ts';
import { useDatabase, useRedis } from '../../../tools/testing/test-env.ts';
import { rawStatus, startTestApp } from './kit.ts';

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
