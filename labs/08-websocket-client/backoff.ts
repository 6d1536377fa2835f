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
  // TODO: exponential backoff with full jitter: the ceiling doubles with each attempt from baseMs
  //       and never passes capMs; the delay is a random whole number of milliseconds below it
  //       (random() is uniform in [0, 1)). Trap: without jitter, every client that lost the same
  //       server reconnects in the same millisecond.
  throw new Error('Not implemented yet: backoffDelay (labs/08-websocket-client/backoff.ts)');
}
