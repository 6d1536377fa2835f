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
 * Refresh-ahead: true when an entry has a TTL and less than `refreshBelow` of `ttlMs` is left.
 * `remainingMs` is a PTTL reply: -1 (no expiry) and -2 (gone) never trigger a refresh.
 */
export function shouldRefresh(remainingMs: number, ttlMs: number, refreshBelow: number): boolean {
  return refreshBelow > 0 && remainingMs >= 0 && remainingMs < ttlMs * refreshBelow;
}
// #endregion should-refresh
