// What a cache entry looks like in Redis. A "not found" is cached too (negative caching), so it
// needs a form of its own that no real value can take: `{"found":false}` next to `{"found":true,"value":…}`.
import { z } from 'zod';
import { decodeJson, encodeJson } from '../../solutions/05-redis-structures/index.ts';

export type Entry<T> = { found: true; value: T } | { found: false };

// #region entry
export function encodeEntry<T>(value: T | null): string {
  return value === null ? encodeJson({ found: false }) : encodeJson({ found: true, value });
}

/** The schema of an entry whose value has the shape `value` (build it once, decode many times). */
export function entrySchema<T>(value: z.ZodType<T>): z.ZodType<Entry<T>> {
  return z.discriminatedUnion('found', [z.object({ found: z.literal(true), value }), z.object({ found: z.literal(false) })]) as z.ZodType<
    Entry<T>
  >;
}

/** Decodes an entry, reviving its value; throws CorruptValueError on anything else. */
export function decodeEntry<T>(text: string, schema: z.ZodType<Entry<T>>): Entry<T> {
  return decodeJson(text, schema);
}
// #endregion entry
