// JSON values in Redis strings. `JSON.stringify` turns a Date into an ISO string and throws on a
// bigint; `JSON.parse` gives back plain strings and trusts whatever it finds. So: encode bigints
// explicitly, and decode through a schema that validates the shape and revives dates and bigints.
import type { z } from 'zod';
import type { RedisClient } from './context.ts';
import { CorruptValueError, InvalidTtlError } from './errors.ts';

// #region codec
/** `JSON.stringify`, except that a bigint is written as its decimal string instead of throwing. */
export function encodeJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

/**
 * Parses `text` and checks it against `schema`. Revive dates and bigints in the schema
 * (`z.coerce.date()`, `z.coerce.bigint()`). Anything that is not JSON of that shape throws
 * `CorruptValueError`, with the parse or validation error as its `cause`.
 */
export function decodeJson<S extends z.ZodType>(text: string, schema: S): z.output<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new CorruptValueError({ cause });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new CorruptValueError({ cause: parsed.error });
  return parsed.data;
}
// #endregion codec

// #region store
export interface SetJsonOptions {
  /** Expire the key after this many seconds. @default no expiry */
  ttlSeconds?: number;
}

export async function setJson(client: RedisClient, key: string, value: unknown, options: SetJsonOptions = {}): Promise<void> {
  const { ttlSeconds } = options;
  if (ttlSeconds === undefined) {
    await client.set(key, encodeJson(value));
    return;
  }
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) throw new InvalidTtlError(ttlSeconds);
  await client.set(key, encodeJson(value), { expiration: { type: 'EX', value: ttlSeconds } });
}

/** The decoded value, or null when the key does not exist. */
export async function getJson<S extends z.ZodType>(client: RedisClient, key: string, schema: S): Promise<z.output<S> | null> {
  const text = await client.get(key);
  return text === null ? null : decodeJson(text, schema);
}
// #endregion store
