// A token bucket: `capacity` messages in a burst, refilled at `refillPerSecond`. Pure: the caller
// passes the time, so tests can drive it with plain numbers.

export interface TokenBucketOptions {
  /** Most tokens the bucket holds (the largest burst). */
  capacity: number;
  /** Tokens added per second (the sustained rate). */
  refillPerSecond: number;
}

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly options: TokenBucketOptions,
    now: number,
  ) {
    this.tokens = options.capacity;
    this.last = now;
  }

  /** Takes one token at time `now` (ms). False when the bucket is empty: drop the message. */
  take(now: number): boolean {
    // TODO: a token bucket: tokens come back at refillPerSecond, continuously, up to capacity; a
    //       message spends one, and with less than one whole token left it is refused. `now` is in
    //       milliseconds. Trap: a bucket that never caps lets an idle client save up a flood.
    throw new Error('Not implemented yet: TokenBucket.take (labs/07-websocket-server/rate-limit.ts)');
  }
}
