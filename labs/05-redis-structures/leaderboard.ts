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
  // TODO: set the member's score on the board's sorted set, stored the way this file stores scores
  //       (see stored() and why above).
  throw new Error('TODO: setScore in leaderboard.ts');
}

/** Adds points atomically (`ZINCRBY`; a new member starts at 0) and returns the new score. */
export async function addPoints({ client, keys }: RedisContext, board: string, member: string, points: number): Promise<number> {
  // TODO: add the points inside Redis (no read-then-write) and return the new score as shown.
  throw new Error('TODO: addPoints in leaderboard.ts');
}

/** The first `n` standings, leader first. */
export async function top({ client, keys }: RedisContext, board: string, n: number): Promise<Standing[]> {
  // TODO: the first n standings with their scores, leader first, ties broken by member name A to Z,
  //       ranks starting at 1. Trap: reversing the range reverses the tie order too; and a range
  //       of "0 to n - 1" with n = 0 means the whole board to Redis.
  throw new Error('TODO: top in leaderboard.ts');
}

/** One member's rank and score, or null when it is not on the board. Both commands go out in one round trip. */
export async function standingOf({ client, keys }: RedisContext, board: string, member: string): Promise<Standing | null> {
  // TODO: the member's rank (from 1) and score, asked in one round trip (node-redis pipelines
  //       commands sent together), or null when the member is not on the board.
  throw new Error('TODO: standingOf in leaderboard.ts');
}
