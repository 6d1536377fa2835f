// A sorted set as a leaderboard. Redis orders members by (score, member): equal scores fall back
// to the member's bytes, A before Z. Reading with REV flips both, so ties would come out Z before A.
// Our rule is "highest score first, ties A to Z", so we store the negated score and read in
// ascending order: the highest score is the lowest stored number, and ties stay A to Z.
import type { RedisContext } from './context.ts';

export interface Standing {
  member: string;
  score: number;
  /** 1 for the leader. Tied members get consecutive ranks, A to Z. */
  rank: number;
}

// `0 - x` rather than `-x`: Redis can reply "-0", and -0 is not 0 to `Object.is` or `toEqual`.
const stored = (score: number) => 0 - score;
const shown = (storedScore: number) => 0 - storedScore;

export async function setScore({ client, keys }: RedisContext, board: string, member: string, score: number): Promise<void> {
  // TODO: ZADD keys.leaderboard(board) with { score: stored(score), value: member }
  throw new Error('TODO: setScore in leaderboard.ts');
}

/** Adds points atomically (`ZINCRBY`; a new member starts at 0) and returns the new score. */
export async function addPoints({ client, keys }: RedisContext, board: string, member: string, points: number): Promise<number> {
  // TODO: ZINCRBY by stored(points) and return shown(the reply)
  throw new Error('TODO: addPoints in leaderboard.ts');
}

/** The first `n` standings, leader first. */
export async function top({ client, keys }: RedisContext, board: string, n: number): Promise<Standing[]> {
  // TODO: return [] when n <= 0 (ZRANGE 0 -1 would mean "everything")
  // TODO: zRangeWithScores(key, 0, n - 1), ascending (no REV: the scores are stored negated)
  // TODO: map each { value, score } to { member: value, score: shown(score), rank: index + 1 }
  throw new Error('TODO: top in leaderboard.ts');
}

/** One member's rank and score, or null when it is not on the board. Both commands go out in one round trip. */
export async function standingOf({ client, keys }: RedisContext, board: string, member: string): Promise<Standing | null> {
  // TODO: await Promise.all([client.zRank(key, member), client.zScore(key, member)]) (node-redis pipelines them)
  // TODO: null if either is null; otherwise { member, score: shown(score), rank: rank + 1 }
  throw new Error('TODO: standingOf in leaderboard.ts');
}
