// A hash holds one object's fields under one key; `HINCRBY` changes one field atomically.
import type { RedisContext } from './context.ts';

export interface VideoStats {
  views: number;
  likes: number;
}

export async function saveStats({ client, keys }: RedisContext, videoId: number, stats: VideoStats): Promise<void> {
  // TODO: write both fields of the video's stats hash in one command (one round trip, no moment
  //       where only one of them is new).
  throw new Error('TODO: saveStats in hashes.ts');
}

/** Adds one view, atomically (no read-modify-write race between servers), and returns the new count. */
export async function recordView({ client, keys }: RedisContext, videoId: number): Promise<number> {
  // TODO: add one to the views field inside Redis and return the new count. Trap: reading, adding
  //       in JavaScript and writing back loses views when two servers do it at once.
  throw new Error('TODO: recordView in hashes.ts');
}

/**
 * The stats, or null when the video has none. `HGETALL` on a missing key returns `{}`, not null,
 * and every field comes back as a string.
 */
export async function loadStats({ client, keys }: RedisContext, videoId: number): Promise<VideoStats | null> {
  // TODO: every field of the stats hash, as numbers (a hash stores strings; a missing field is 0),
  //       or null when the video has no stats. Trap: reading a missing hash is not null in Redis.
  throw new Error('TODO: loadStats in hashes.ts');
}
