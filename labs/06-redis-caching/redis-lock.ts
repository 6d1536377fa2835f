// A short lock in Redis, so two processes (or two cache instances) don't both rebuild one entry.
// It expires on its own (PX), so a holder that dies can't block the key forever, and only the
// holder of the token can release it: after a pause longer than the TTL, another process may
// own the lock, and a blind DEL would delete *their* lock.
import { randomUUID } from 'node:crypto';
import type { RedisClient } from '../../solutions/05-redis-structures/index.ts';

/** The lock's token if we got it, null if someone else holds it. */
export async function acquireLock(client: RedisClient, key: string, ttlMs: number): Promise<string | null> {
  const token = randomUUID();
  // TODO: take the lock in one command: set it only if nobody holds it, with an expiry so a
  //       crashed holder can't keep it forever. Return our token when we got it, null otherwise.
  throw new Error('TODO: acquireLock in redis-lock.ts');
}

// Compare and delete in one step: a GET then DEL from the client could delete a lock that
// changed hands in between.
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/** Releases the lock if we still hold it; true when it was ours. */
export async function releaseLock(client: RedisClient, key: string, token: string): Promise<boolean> {
  // TODO: run the RELEASE script above, which deletes the lock only if it still holds our token;
  //       return whether it did. Trap: a plain delete can remove a lock someone else took after
  //       ours expired.
  throw new Error('TODO: releaseLock in redis-lock.ts');
}

// The lock doubles as a lease: a write that invalidates the entry deletes the lock too, so a read
// that loaded the row before that write can no longer store what it loaded. Check and set in one step.
const SET_IF_HELD = `if redis.call('get', KEYS[1]) == ARGV[1] then redis.call('set', KEYS[2], ARGV[2], 'PX', ARGV[3]) return 1 else return 0 end`;

/** Stores `value` under `key` with a TTL only while we still hold the lock `lockKey`; true when stored. */
export async function setIfLockHeld(client: RedisClient, lockKey: string, token: string, key: string, value: string, ttlMs: number): Promise<boolean> {
  // TODO: run the SET_IF_HELD script above (KEYS: the lock, then the entry; ARGV: our token, the
  //       value, the TTL in ms as a string) and return whether it stored the value. Trap: a GET of
  //       the lock then a SET from the client leaves a gap in which the lease can be voided.
  throw new Error('TODO: setIfLockHeld in redis-lock.ts');
}
