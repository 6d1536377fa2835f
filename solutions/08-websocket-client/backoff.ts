// How long to wait before reconnect attempt number `attempt` (0 for the first retry).
// Pure: the random source is a parameter, so tests pass a fixed one.

export interface BackoffOptions {
  /** The first delay's ceiling. */
  baseMs: number;
  /** No delay is ever longer than this. */
  capMs: number;
}

// #region backoff
/**
 * Exponential backoff with full jitter: a random delay between 0 and min(cap, base * 2^attempt).
 * Without the jitter, every client that lost the same server retries at the same instants and
 * the restarted server takes the whole crowd at once (a thundering herd).
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number): number {
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}
// #endregion backoff
