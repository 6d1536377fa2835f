// One class per failure, each with a fixed message and a machine-readable `code`.
// None of these reach the caller of `Cache.get`: they are what the cache counts and logs
// before it falls back to the database.

export const ErrorCode = {
  REDIS_UNAVAILABLE: 'REDIS_UNAVAILABLE',
  REDIS_TIMEOUT: 'REDIS_TIMEOUT',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The client is not connected (it is reconnecting, or closed): don't even try. */
export class RedisUnavailableError extends Error {
  readonly code = ErrorCode.REDIS_UNAVAILABLE;
  constructor() {
    super('Redis is not connected; serving from the database');
    this.name = 'RedisUnavailableError';
  }
}

/** Redis did not answer in time (a hung server, a saturated network): stop waiting for it. */
export class RedisTimeoutError extends Error {
  readonly code = ErrorCode.REDIS_TIMEOUT;
  constructor(readonly timeoutMs: number) {
    super(`Redis did not answer within ${timeoutMs} ms; serving from the database`);
    this.name = 'RedisTimeoutError';
  }
}
