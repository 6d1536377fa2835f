// Strings with a TTL: a session token that points at a user id and disappears on its own.
import type { RedisClient, RedisContext } from './context.ts';
import { InvalidTtlError } from './errors.ts';

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
  // TODO: -2 means the key does not exist: return { state: TtlState.MISSING }
  // TODO: -1 means it exists and never expires: return { state: TtlState.PERSISTENT }
  return { state: TtlState.EXPIRING, seconds: reply };
}

/** Stores `token -> userId` for `ttlSeconds`, in one command (`SET ... EX`), so it can never outlive its TTL. */
export async function saveSession({ client, keys }: RedisContext, token: string, userId: number, ttlSeconds: number): Promise<void> {
  // TODO: throw new InvalidTtlError(ttlSeconds) unless it is a whole number above 0 (Redis refuses EX 0)
  // TODO: client.set(keys.session(token), String(userId), { expiration: { type: 'EX', value: ttlSeconds } })
  throw new Error('TODO: saveSession in strings.ts');
}

/** The user id behind a token, or null once it has expired. Redis stores strings: parse the number back. */
export async function readSession({ client, keys }: RedisContext, token: string): Promise<number | null> {
  // TODO: GET the session key; null stays null, anything else becomes a Number
  throw new Error('TODO: readSession in strings.ts');
}

export async function sessionTtl({ client, keys }: RedisContext, token: string): Promise<Ttl> {
  // TODO: parseTtl(await client.ttl(...))
  throw new Error('TODO: sessionTtl in strings.ts');
}

/** `EXISTS` counts the keys that exist; for one key, that count is 0 or 1. */
export async function exists(client: RedisClient, key: string): Promise<boolean> {
  // TODO: compare the count EXISTS returns with 1
  throw new Error('TODO: exists in strings.ts');
}

/** Deletes keys and returns how many existed. `UNLINK` frees the memory in the background. */
export async function removeKeys(client: RedisClient, keys: string[]): Promise<number> {
  // TODO: return 0 for an empty list (UNLINK with no key is a syntax error)
  // TODO: return client.unlink(keys)
  throw new Error('TODO: removeKeys in strings.ts');
}
