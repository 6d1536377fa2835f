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
 * Refresh-ahead: true when an entry has a TTL and less than `refreshBelow` of `ttlMs` is left.
 * `remainingMs` is a PTTL reply: -1 (no expiry) and -2 (gone) never trigger a refresh.
 */
export function shouldRefresh(remainingMs: number, ttlMs: number, refreshBelow: number): boolean {
  // TODO: whether less than the refreshBelow fraction of the TTL is left. Trap: Redis answers a
  //       negative remaining time for "no expiry" and "no key": neither is a reason to refresh;
  //       and refreshBelow 0 turns refresh-ahead off.
  throw new Error('TODO: shouldRefresh in ttl.ts');
}
