// A set keeps each member once: a video's tags. Sets have no order; sort before you show them.
import type { RedisContext } from './context.ts';

/** Adds tags and returns how many were new (a tag already there is not added twice). */
export async function addTags({ client, keys }: RedisContext, videoId: number, tags: string[]): Promise<number> {
  // TODO: return 0 for no tags; otherwise SADD them to keys.videoTags(videoId) and return its reply
  throw new Error('TODO: addTags in tags.ts');
}

/** `SISMEMBER` replies 1 or 0; return a real boolean. */
export async function hasTag({ client, keys }: RedisContext, videoId: number, tag: string): Promise<boolean> {
  // TODO: compare SISMEMBER's reply with 1
  throw new Error('TODO: hasTag in tags.ts');
}

/** The video's tags, sorted (the order `SMEMBERS` returns is arbitrary). */
export async function tagsOf({ client, keys }: RedisContext, videoId: number): Promise<string[]> {
  // TODO: SMEMBERS, then sort
  throw new Error('TODO: tagsOf in tags.ts');
}

/** Tags two videos share, sorted: `SINTER` computes the intersection inside Redis. */
export async function commonTags({ client, keys }: RedisContext, a: number, b: number): Promise<string[]> {
  // TODO: SINTER both tag keys, then sort
  throw new Error('TODO: commonTags in tags.ts');
}
