// How long to wait before reconnect attempt number `attempt` (0 for the first retry).
// Pure: the random source is a parameter, so tests pass a fixed one.

export interface BackoffOptions {
  /** The first delay's ceiling. */
  baseMs: number;
  /** No delay is ever longer than this. */
  capMs: number;
}
/**
 * Exponential backoff with full jitter: a random delay between 0 and min(cap, base * 2^attempt).
 * Without the jitter, every client that lost the same server retries at the same instants and
 * the restarted server takes the whole crowd at once (a thundering herd).
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number): number {
  // TODO: the ceiling is baseMs * 2 ** attempt, but never more than capMs.
  // TODO: full jitter: a random point below the ceiling, Math.floor(random() * ceiling).
  throw new Error('Not implemented yet: backoffDelay (labs/08-websocket-client/backoff.ts)');
}
