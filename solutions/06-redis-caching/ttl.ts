// Pure TTL arithmetic: no clock, no Redis. `random` is injected so tests can pin it.

// #region jitter
/**
 * `baseMs` spread by up to ±`jitter` (0.1 = ±10 %). Keys written together (a deploy, a warm-up
 * script) then expire at different moments instead of all missing in the same second.
 */
export function jitteredTtlMs(baseMs: number, jitter: number, random: () => number = Math.random): number {
  return Math.max(1, Math.round(baseMs * (1 + jitter * (2 * random() - 1))));
}
// #endregion jitter

// #region should-refresh
/**
 * Refresh-ahead: true when less than `refreshBelow` of `ttlMs` is left of an entry. `remainingMs`
 * is the entry's `expiresAt` minus now; below zero means the entry is overdue by this server's
 * clock (servers' clocks differ by a few ms, and Redis expires keys by its own), so refresh it.
 * `refreshBelow` 0 turns refresh-ahead off, overdue or not.
 */
export function shouldRefresh(remainingMs: number, ttlMs: number, refreshBelow: number): boolean {
  return refreshBelow > 0 && remainingMs < ttlMs * refreshBelow;
}
// #endregion should-refresh
