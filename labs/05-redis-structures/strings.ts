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
  // TODO: TTL answers two special values besides a number of seconds: one for a key that does not
  //       exist and one for a key that never expires (see the Redis TTL docs). Turn each into its
  //       TtlState instead of a negative number of seconds.
  return { state: TtlState.EXPIRING, seconds: reply };
}

/** Stores `token -> userId` for `ttlSeconds`, in one command (`SET ... EX`), so it can never outlive its TTL. */
export async function saveSession({ client, keys }: RedisContext, token: string, userId: number, ttlSeconds: number): Promise<void> {
  // TODO: a TTL that is not a whole number above 0 is InvalidTtlError (Redis refuses 0 itself).
  // TODO: store the value and its expiry in one command. Trap: SET then EXPIRE leaves a key that
  //       never expires if the process dies in between.
  throw new Error('TODO: saveSession in strings.ts');
}

/** The user id behind a token, or null once it has expired. Redis stores strings: parse the number back. */
export async function readSession({ client, keys }: RedisContext, token: string): Promise<number | null> {
  // TODO: the stored user id as a number (Redis stores strings), or null when there is none.
  throw new Error('TODO: readSession in strings.ts');
}

export async function sessionTtl({ client, keys }: RedisContext, token: string): Promise<Ttl> {
  // TODO: the session's remaining time, as parseTtl describes it.
  throw new Error('TODO: sessionTtl in strings.ts');
}

/** `EXISTS` counts the keys that exist; for one key, that count is 0 or 1. */
export async function exists(client: RedisClient, key: string): Promise<boolean> {
  // TODO: whether the key exists, as a boolean.
  throw new Error('TODO: exists in strings.ts');
}

/** Deletes keys and returns how many existed. `UNLINK` frees the memory in the background. */
export async function removeKeys(client: RedisClient, keys: string[]): Promise<number> {
  // TODO: delete the keys without blocking Redis while it frees them, and return how many existed.
  //       Trap: Redis refuses the command with no key at all.
  throw new Error('TODO: removeKeys in strings.ts');
}
