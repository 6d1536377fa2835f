// What a cache entry looks like in Redis. A "not found" is cached too (negative caching), so it
// needs a form of its own that no real value can take. A value carries the moment it expires, so a
// hit needs one GET, not GET + PTTL, to decide on refresh-ahead:
//
//   {"found":true,"expiresAt":1767225600000,"value":{…}}   a value, and its expiry (epoch ms)
//   {"found":false}                                        "not found": always this exact string
import { z } from 'zod';
import { decodeJson, encodeJson } from '../../solutions/05-redis-structures/index.ts';

export type FoundEntry<T> = { found: true; expiresAt: number; value: T };
export type Entry<T> = FoundEntry<T> | { found: false };

// #region entry
/** A cached "not found", stored as this exact string and recognised by comparing it, before any parse. */
export const NOT_FOUND_ENTRY = '{"found":false}';
const notFound: Entry<never> = Object.freeze({ found: false });

/** `value` and the moment its TTL runs out, in epoch ms (not stored for a "not found": it is never refreshed). */
export function encodeEntry<T>(value: T | null, expiresAtMs: number): string {
  return value === null ? NOT_FOUND_ENTRY : encodeJson({ found: true, expiresAt: expiresAtMs, value });
}

/**
 * The schema of a value entry whose value has the shape `value` (build it once, decode many times).
 * z.compile turns the whole schema into one generated function; a plain z.object runs each field
 * through its own parser and allocates a result per field on every parse (bench/cache.bench.ts,
 * "was: + decode, schema not compiled": a quarter more decode time at load 1, twice as much at load 7).
 */
export function entrySchema<T>(value: z.ZodType<T>): z.ZodType<FoundEntry<T>> {
  return z.compile(z.object({ found: z.literal(true), expiresAt: z.number(), value })) as z.ZodType<FoundEntry<T>>;
}

/** Decodes an entry, reviving its value; throws CorruptValueError on anything else. */
export function decodeEntry<T>(text: string, schema: z.ZodType<FoundEntry<T>>): Entry<T> {
  return text === NOT_FOUND_ENTRY ? notFound : decodeJson(text, schema);
}
// #endregion entry
