// Strings with a TTL: a session token that points at a user id and disappears on its own.
import type { RedisClient, RedisContext } from './context.ts';
import { InvalidTtlError } from './errors.ts';

// #region ttl
/** What `TTL` says about a key, without its magic numbers. */
export const TtlState = {
  /** The key does not exist (`TTL` replied -2). */
  MISSING: 'missing',
  /** The key exists and never expires (`TTL` replied -1). */
  PERSISTENT: 'persistent',
  /** The key expires in `seconds`. */
  EXPIRING: 'expiring',
} as const;

export type Ttl =
  | { state: typeof TtlState.MISSING }
  | { state: typeof TtlState.PERSISTENT }
  | { state: typeof TtlState.EXPIRING; seconds: number };

/** Turns a `TTL` (or `PTTL`) reply into a value the caller cannot mistake for a duration. */
export function parseTtl(reply: number): Ttl {
  if (reply === -2) return { state: TtlState.MISSING };
  if (reply === -1) return { state: TtlState.PERSISTENT };
  return { state: TtlState.EXPIRING, seconds: reply };
}
// #endregion ttl

// #region session
/** Stores `token -> userId` for `ttlSeconds`, in one command (`SET ... EX`), so it can never outlive its TTL. */
export async function saveSession({ client, keys }: RedisContext, token: string, userId: number, ttlSeconds: number): Promise<void> {
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) throw new InvalidTtlError(ttlSeconds);
  await client.set(keys.session(token), String(userId), { expiration: { type: 'EX', value: ttlSeconds } });
}

/** The user id behind a token, or null once it has expired. Redis stores strings: parse the number back. */
export async function readSession({ client, keys }: RedisContext, token: string): Promise<number | null> {
  const value = await client.get(keys.session(token));
  return value === null ? null : Number(value);
}

export async function sessionTtl({ client, keys }: RedisContext, token: string): Promise<Ttl> {
  return parseTtl(await client.ttl(keys.session(token)));
}
// #endregion session

// #region exists-delete
/** `EXISTS` counts the keys that exist; for one key, that count is 0 or 1. */
export async function exists(client: RedisClient, key: string): Promise<boolean> {
  return (await client.exists(key)) === 1;
}

/** Deletes keys and returns how many existed. `UNLINK` frees the memory in the background. */
export async function removeKeys(client: RedisClient, keys: string[]): Promise<number> {
  if (keys.length === 0) return 0;
  return client.unlink(keys);
}
// #endregion exists-delete
