// A short lock in Redis, so two processes (or two cache instances) don't both rebuild one entry.
// It expires on its own (PX), so a holder that dies can't block the key forever, and only the
// holder of the token can release it: after a pause longer than the TTL, another process may
// own the lock, and a blind DEL would delete *their* lock.
import { randomUUID } from 'node:crypto';
import type { RedisClient } from '../../solutions/05-redis-structures/index.ts';

// #region lock
/** The lock's token if we got it, null if someone else holds it. */
export async function acquireLock(client: RedisClient, key: string, ttlMs: number): Promise<string | null> {
  const token = randomUUID();
  const reply = await client.set(key, token, { condition: 'NX', expiration: { type: 'PX', value: ttlMs } });
  return reply === 'OK' ? token : null;
}

// Compare and delete in one step: a GET then DEL from the client could delete a lock that
// changed hands in between.
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/** Releases the lock if we still hold it; true when it was ours. */
export async function releaseLock(client: RedisClient, key: string, token: string): Promise<boolean> {
  return (await client.eval(RELEASE, { keys: [key], arguments: [token] })) === 1;
}
// #endregion lock

// #region lease
// The lock doubles as a lease: a write that invalidates the entry deletes the lock too, so a read
// that loaded the row before that write can no longer store what it loaded. Check and set in one step.
const SET_IF_HELD = `if redis.call('get', KEYS[1]) == ARGV[1] then redis.call('set', KEYS[2], ARGV[2], 'PX', ARGV[3]) return 1 else return 0 end`;

/** Stores `value` under `key` with a TTL only while we still hold the lock `lockKey`; true when stored. */
export async function setIfLockHeld(client: RedisClient, lockKey: string, token: string, key: string, value: string, ttlMs: number): Promise<boolean> {
  return (await client.eval(SET_IF_HELD, { keys: [lockKey, key], arguments: [token, value, String(ttlMs)] })) === 1;
}
// #endregion lease
