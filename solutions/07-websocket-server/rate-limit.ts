// A token bucket: `capacity` messages in a burst, refilled at `refillPerSecond`. Pure: the caller
// passes the time, so tests can drive it with plain numbers.

export interface TokenBucketOptions {
  /** Most tokens the bucket holds (the largest burst). */
  capacity: number;
  /** Tokens added per second (the sustained rate). */
  refillPerSecond: number;
}

// #region token-bucket
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
    const elapsed = Math.max(0, now - this.last);
    this.last = now;
    this.tokens = Math.min(this.options.capacity, this.tokens + (elapsed / 1000) * this.options.refillPerSecond);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
// #endregion token-bucket
