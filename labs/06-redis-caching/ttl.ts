// Pure TTL arithmetic: no clock, no Redis. `random` is injected so tests can pin it.

/**
 * `baseMs` spread by up to ±`jitter` (0.1 = ±10 %). Keys written together (a deploy, a warm-up
 * script) then expire at different moments instead of all missing in the same second.
 */
export function jitteredTtlMs(baseMs: number, jitter: number, random: () => number = Math.random): number {
  // TODO: baseMs spread evenly by up to ±jitter (a fraction), using random() (uniform in [0, 1)),
  //       rounded to whole milliseconds and never below 1 ms.
  return baseMs;
}

/**
 * Refresh-ahead: true when less than `refreshBelow` of `ttlMs` is left of an entry. `remainingMs`
 * is the entry's `expiresAt` minus now; below zero means the entry is overdue by this server's
 * clock (servers' clocks differ by a few ms, and Redis expires keys by its own), so refresh it.
 * `refreshBelow` 0 turns refresh-ahead off, overdue or not.
 */
export function shouldRefresh(remainingMs: number, ttlMs: number, refreshBelow: number): boolean {
  // TODO: whether less than the refreshBelow fraction of the TTL is left. Trap: with refreshBelow 0
  //       the threshold is 0 ms, and an overdue entry (negative remainingMs) is still below it; off
  //       must mean off.
  throw new Error('TODO: shouldRefresh in ttl.ts');
}
