// What the cache holds: the public view of a user (never the password hash) and a video's
// metadata. The schemas revive what JSON flattens: dates from ISO strings, bigints from strings.
import { z } from 'zod';

export const CachedUser = z.object({
  id: z.number().int(),
  email: z.string(),
  name: z.string(),
  createdAt: z.coerce.date(),
  updatedAt: z.coerce.date(),
});
export type CachedUser = z.infer<typeof CachedUser>;

export const CachedVideo = z.object({
  id: z.number().int(),
  projectId: z.number().int(),
  title: z.string(),
  durationMs: z.number().int().nullable(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  codec: z.string().nullable(),
  sizeBytes: z.coerce.bigint().nullable(),
  updatedAt: z.coerce.date(),
});
export type CachedVideo = z.infer<typeof CachedVideo>;

export interface UserUpdate {
  name?: string;
  email?: string;
}

export interface VideoUpdate {
  title?: string;
  durationMs?: number | null;
  width?: number | null;
  height?: number | null;
  codec?: string | null;
  sizeBytes?: bigint | null;
}
