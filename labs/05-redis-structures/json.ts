// JSON values in Redis strings. `JSON.stringify` turns a Date into an ISO string and throws on a
// bigint; `JSON.parse` gives back plain strings and trusts whatever it finds. So: encode bigints
// explicitly, and decode through a schema that validates the shape and revives dates and bigints.
import type { z } from 'zod';
import type { RedisClient } from './context.ts';
import { CorruptValueError, InvalidTtlError } from './errors.ts';

/** `JSON.stringify`, except that a bigint is written as its decimal string instead of throwing. */
export function encodeJson(value: unknown): string {
  // TODO: pass JSON.stringify a replacer `(_key, v) => ...` that returns v.toString() when typeof v is 'bigint'
  return JSON.stringify(value);
}

/**
 * Parses `text` and checks it against `schema`. Revive dates and bigints in the schema
 * (`z.coerce.date()`, `z.coerce.bigint()`). Anything that is not JSON of that shape throws
 * `CorruptValueError`, with the parse or validation error as its `cause`.
 */
export function decodeJson<S extends z.ZodType>(text: string, schema: S): z.output<S> {
  // TODO: JSON.parse(text) inside try/catch; on error throw new CorruptValueError({ cause })
  // TODO: schema.safeParse(the parsed value); if !success throw new CorruptValueError({ cause: parsed.error })
  // TODO: return parsed.data
  throw new Error('TODO: decodeJson in json.ts');
}

export interface SetJsonOptions {
  /** Expire the key after this many seconds. @default no expiry */
  ttlSeconds?: number;
}

export async function setJson(client: RedisClient, key: string, value: unknown, options: SetJsonOptions = {}): Promise<void> {
  // TODO: without options.ttlSeconds: client.set(key, encodeJson(value))
  // TODO: with it: throw InvalidTtlError unless it is a whole number above 0, then SET with expiration { type: 'EX', value }
  throw new Error('TODO: setJson in json.ts');
}

/** The decoded value, or null when the key does not exist. */
export async function getJson<S extends z.ZodType>(client: RedisClient, key: string, schema: S): Promise<z.output<S> | null> {
  // TODO: GET the key; null stays null, text goes through decodeJson(text, schema)
  throw new Error('TODO: getJson in json.ts');
}
