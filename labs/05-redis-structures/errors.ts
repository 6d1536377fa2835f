// One class per failure, each with a fixed message and a machine-readable `code`
// (the shape of node-redis's own errors, e.g. `ClientClosedError`).

export const ErrorCode = {
  INVALID_NAMESPACE: 'INVALID_NAMESPACE',
  INVALID_KEY_PART: 'INVALID_KEY_PART',
  INVALID_TTL: 'INVALID_TTL',
  CORRUPT_VALUE: 'CORRUPT_VALUE',
  JOB_NOT_IN_PROGRESS: 'JOB_NOT_IN_PROGRESS',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** A namespace must be non-empty and end with `:`, so `ns` + `video:1` reads `ns:video:1`. */
export class InvalidNamespaceError extends Error {
  readonly code = ErrorCode.INVALID_NAMESPACE;
  constructor(readonly namespace: string) {
    super(`Invalid key namespace ${JSON.stringify(namespace)}: it must be non-empty and end with ":"`);
    this.name = 'InvalidNamespaceError';
  }
}

/** An empty part would make two different keys collide (`video::stats`). */
export class InvalidKeyPartError extends Error {
  readonly code = ErrorCode.INVALID_KEY_PART;
  constructor(readonly part: unknown) {
    super(`Invalid key part ${JSON.stringify(part)}: parts must be non-empty strings or finite numbers`);
    this.name = 'InvalidKeyPartError';
  }
}

/** `SET ... EX 0` is an error in Redis, and a fractional `EX` is rejected too. */
export class InvalidTtlError extends Error {
  readonly code = ErrorCode.INVALID_TTL;
  constructor(readonly ttl: number) {
    super(`Invalid TTL ${ttl}: it must be a positive whole number`);
    this.name = 'InvalidTtlError';
  }
}

/** What Redis returned is not JSON, or not the shape the caller's schema expects. */
export class CorruptValueError extends Error {
  readonly code = ErrorCode.CORRUPT_VALUE;
  constructor(options?: { cause?: unknown }) {
    super('A value read from Redis is not valid JSON of the expected shape', options);
    this.name = 'CorruptValueError';
  }
}

/** `ack()` for a job this consumer is not holding: it was never taken, already acked, or recovered. */
export class JobNotInProgressError extends Error {
  readonly code = ErrorCode.JOB_NOT_IN_PROGRESS;
  constructor(readonly job: string, readonly consumer: string) {
    super(`Job ${JSON.stringify(job)} is not in progress for consumer ${JSON.stringify(consumer)}`);
    this.name = 'JobNotInProgressError';
  }
}
