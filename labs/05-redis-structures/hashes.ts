// A hash holds one object's fields under one key; `HINCRBY` changes one field atomically.
import type { RedisContext } from './context.ts';

export interface VideoStats {
  views: number;
  likes: number;
}

export async function saveStats({ client, keys }: RedisContext, videoId: number, stats: VideoStats): Promise<void> {
  // TODO: client.hSet(keys.videoStats(videoId), { views: ..., likes: ... }) writes both fields in one command
  throw new Error('TODO: saveStats in hashes.ts');
}

/** Adds one view, atomically (no read-modify-write race between servers), and returns the new count. */
export async function recordView({ client, keys }: RedisContext, videoId: number): Promise<number> {
  // TODO: HINCRBY the "views" field by 1 and return the new value (don't read, add and write back)
  throw new Error('TODO: recordView in hashes.ts');
}

/**
 * The stats, or null when the video has none. `HGETALL` on a missing key returns `{}`, not null,
 * and every field comes back as a string.
 */
export async function loadStats({ client, keys }: RedisContext, videoId: number): Promise<VideoStats | null> {
  // TODO: HGETALL the stats key
  // TODO: an object with no fields means the key does not exist: return null
  // TODO: turn each field back into a number; a missing field counts as 0
  throw new Error('TODO: loadStats in hashes.ts');
}
