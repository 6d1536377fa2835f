// The login throttle's counters in real Redis: what a successful login leaves behind.
import { describe, expect, it } from 'vitest';
import { useRedis } from '../../../tools/testing/test-env.ts';
import { waitFor } from '../../../tools/testing/wait.ts';
import { LoginThrottle, loginFailureKeys } from '../login-throttle.ts';

const redis = useRedis();

describe('LoginThrottle.succeeded', () => {
  it('never leaves a counter without expiry, even when its window ended between attempt and success', async () => {
    const throttle = new LoginThrottle(redis.client, redis.prefix, { windowMs: 100 });
    const keys = loginFailureKeys(redis.prefix, 'slow@example.test', '203.0.113.5');
    await throttle.attempt('slow@example.test', '203.0.113.5');
    // A slow scrypt, a GC pause: the window ends before the password check answers.
    await waitFor(async () => (await redis.client.exists([keys.ip, keys.account])) === 0, { message: 'the 100 ms window should expire' });

    await throttle.succeeded('slow@example.test', '203.0.113.5');

    const ttls = [await redis.client.pTTL(keys.ip), await redis.client.pTTL(keys.account)];
    expect(ttls.every((ttl) => ttl === -2 || ttl > 0), `a counter with no expiry (-1) would count against the address forever (login-throttle.ts succeeded): ${ttls}`).toBe(true);
  });
});
