// Pure TTL arithmetic: no clock, no Redis. `random` is injected so tests can pin it.

/**
 * `baseMs` spread by up to ±`jitter` (0.1 = ±10 %). Keys written together (a deploy, a warm-up
 * script) then expire at different moments instead of all missing in the same second.
 */
export function jitteredTtlMs(baseMs: number, jitter: number, random: () => number = Math.random): number {
  // TODO: random() is in [0, 1): map it to a factor in [1 - jitter, 1 + jitter) with 1 + jitter * (2 * random() - 1)
  // TODO: return Math.round(baseMs * factor), and never less than 1 ms
  return baseMs;
}

/**
 * Refresh-ahead: true when an entry has a TTL and less than `refreshBelow` of `ttlMs` is left.
 * `remainingMs` is a PTTL reply: -1 (no expiry) and -2 (gone) never trigger a refresh.
 */
export function shouldRefresh(remainingMs: number, ttlMs: number, refreshBelow: number): boolean {
  // TODO: false when refreshBelow is 0 or remainingMs is negative (-1, -2)
  // TODO: otherwise true when remainingMs < ttlMs * refreshBelow
  return false;
}
