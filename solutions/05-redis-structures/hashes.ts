// A hash holds one object's fields under one key; `HINCRBY` changes one field atomically.
import type { RedisContext } from './context.ts';

export interface VideoStats {
  views: number;
  likes: number;
}

// #region stats
export async function saveStats({ client, keys }: RedisContext, videoId: number, stats: VideoStats): Promise<void> {
  await client.hSet(keys.videoStats(videoId), { views: stats.views, likes: stats.likes });
}

/** Adds one view, atomically (no read-modify-write race between servers), and returns the new count. */
export async function recordView({ client, keys }: RedisContext, videoId: number): Promise<number> {
  return client.hIncrBy(keys.videoStats(videoId), 'views', 1);
}

/**
 * The stats, or null when the video has none. `HGETALL` on a missing key returns `{}`, not null,
 * and every field comes back as a string.
 */
export async function loadStats({ client, keys }: RedisContext, videoId: number): Promise<VideoStats | null> {
  const fields = await client.hGetAll(keys.videoStats(videoId));
  if (Object.keys(fields).length === 0) return null;
  return { views: Number(fields.views ?? 0), likes: Number(fields.likes ?? 0) };
}
// #endregion stats
