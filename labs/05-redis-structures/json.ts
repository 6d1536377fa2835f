// JSON values in Redis strings. `JSON.stringify` turns a Date into an ISO string and throws on a
// bigint; `JSON.parse` gives back plain strings and trusts whatever it finds. So: encode bigints
// explicitly, and decode through a schema that validates the shape and revives dates and bigints.
import type { z } from 'zod';
import type { RedisClient } from './context.ts';
import { CorruptValueError, InvalidTtlError } from './errors.ts';

/** `JSON.stringify`, except that a bigint is written as its decimal string instead of throwing. */
export function encodeJson(value: unknown): string {
  // TODO: bigints must survive (as their decimal string) wherever they are nested: JSON.stringify
  //       throws on them by default, and lets you change how each value is written.
  return JSON.stringify(value);
}

/**
 * Parses `text` and checks it against `schema`. Revive dates and bigints in the schema
 * (`z.coerce.date()`, `z.coerce.bigint()`). Anything that is not JSON of that shape throws
 * `CorruptValueError`, with the parse or validation error as its `cause`.
 */
export function decodeJson<S extends z.ZodType>(text: string, schema: S): z.output<S> {
  // TODO: the value `text` encodes, checked against `schema` and typed by it. Text that is not JSON,
  //       and JSON of the wrong shape, are both CorruptValueError (with the reason as `cause`).
  //       Trap: whatever comes back from Redis may have been written by older code or by hand.
  throw new Error('TODO: decodeJson in json.ts');
}

export interface SetJsonOptions {
  /** Expire the key after this many seconds. @default no expiry */
  ttlSeconds?: number;
}

export async function setJson(client: RedisClient, key: string, value: unknown, options: SetJsonOptions = {}): Promise<void> {
  // TODO: store the encoded value, with an expiry when options.ttlSeconds is given, in one command
  //       (a value set now and given its TTL later can live forever if the process dies between).
  // TODO: a TTL that is not a whole number above 0 is InvalidTtlError, before anything is written.
  throw new Error('TODO: setJson in json.ts');
}

/** The decoded value, or null when the key does not exist. */
export async function getJson<S extends z.ZodType>(client: RedisClient, key: string, schema: S): Promise<z.output<S> | null> {
  // TODO: the decoded value, checked like decodeJson does; a missing key is null.
  throw new Error('TODO: getJson in json.ts');
}
