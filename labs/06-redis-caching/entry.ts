// What a cache entry looks like in Redis. A "not found" is cached too (negative caching), so it
// needs a form of its own that no real value can take: `{"found":false}` next to `{"found":true,"value":…}`.
import { z } from 'zod';
import { decodeJson, encodeJson } from '../../solutions/05-redis-structures/index.ts';

export type Entry<T> = { found: true; value: T } | { found: false };

export function encodeEntry<T>(value: T | null): string {
  // TODO: an entry tells "the row does not exist" (null) apart from a value, so that a cached
  //       "not found" is still a hit. Encode with lab 05's JSON codec.
  throw new Error('TODO: encodeEntry in entry.ts');
}

/** The schema of an entry whose value has the shape `value` (build it once, decode many times). */
export function entrySchema<T>(value: z.ZodType<T>): z.ZodType<Entry<T>> {
  return z.discriminatedUnion('found', [z.object({ found: z.literal(true), value }), z.object({ found: z.literal(false) })]) as z.ZodType<
    Entry<T>
  >;
}

/** Decodes an entry, reviving its value; throws CorruptValueError on anything else. */
export function decodeEntry<T>(text: string, schema: z.ZodType<Entry<T>>): Entry<T> {
  // TODO: the entry `text` holds, checked against `schema`; anything else is CorruptValueError
  //       (lab 05's codec does the checking).
  throw new Error('TODO: decodeEntry in entry.ts');
}
