// A set keeps each member once: a video's tags. Sets have no order; sort before you show them.
import type { RedisContext } from './context.ts';

// #region tags
/** Adds tags and returns how many were new (a tag already there is not added twice). */
export async function addTags({ client, keys }: RedisContext, videoId: number, tags: string[]): Promise<number> {
  if (tags.length === 0) return 0;
  return client.sAdd(keys.videoTags(videoId), tags);
}

/** `SISMEMBER` replies 1 or 0; return a real boolean. */
export async function hasTag({ client, keys }: RedisContext, videoId: number, tag: string): Promise<boolean> {
  return (await client.sIsMember(keys.videoTags(videoId), tag)) === 1;
}

/** The video's tags, sorted (the order `SMEMBERS` returns is arbitrary). */
export async function tagsOf({ client, keys }: RedisContext, videoId: number): Promise<string[]> {
  return (await client.sMembers(keys.videoTags(videoId))).sort();
}

/** Tags two videos share, sorted: `SINTER` computes the intersection inside Redis. */
export async function commonTags({ client, keys }: RedisContext, a: number, b: number): Promise<string[]> {
  return (await client.sInter([keys.videoTags(a), keys.videoTags(b)])).sort();
}
// #endregion tags
