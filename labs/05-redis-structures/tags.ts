// A set keeps each member once: a video's tags. Sets have no order; sort before you show them.
import type { RedisContext } from './context.ts';

/** Adds tags and returns how many were new (a tag already there is not added twice). */
export async function addTags({ client, keys }: RedisContext, videoId: number, tags: string[]): Promise<number> {
  // TODO: add the tags to the video's set and return how many were new. No tags: nothing to send.
  throw new Error('TODO: addTags in tags.ts');
}

/** `SISMEMBER` replies 1 or 0; return a real boolean. */
export async function hasTag({ client, keys }: RedisContext, videoId: number, tag: string): Promise<boolean> {
  // TODO: whether the video has this tag, as a boolean.
  throw new Error('TODO: hasTag in tags.ts');
}

/** The video's tags, sorted (the order `SMEMBERS` returns is arbitrary). */
export async function tagsOf({ client, keys }: RedisContext, videoId: number): Promise<string[]> {
  // TODO: the video's tags, sorted: a set has no order.
  throw new Error('TODO: tagsOf in tags.ts');
}

/** Tags two videos share, sorted: `SINTER` computes the intersection inside Redis. */
export async function commonTags({ client, keys }: RedisContext, a: number, b: number): Promise<string[]> {
  // TODO: the tags both videos have, computed inside Redis (not by fetching both sets), sorted.
  throw new Error('TODO: commonTags in tags.ts');
}
