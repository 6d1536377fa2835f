// One class per failure the callers of this lab can act on. Each keeps the driver's error as
// `cause` and carries a machine-readable `code` an HTTP layer can map to a status (409, 404).

export class DuplicateEmailError extends Error {
  readonly code = 'DUPLICATE_EMAIL';
  constructor(
    readonly email: string,
    options?: { cause?: unknown },
  ) {
    super(`A user with email "${email}" already exists`, options);
    this.name = 'DuplicateEmailError';
  }
}

export class UserNotFoundError extends Error {
  readonly code = 'USER_NOT_FOUND';
  constructor(
    readonly userId: number,
    options?: { cause?: unknown },
  ) {
    super(`User ${userId} does not exist`, options);
    this.name = 'UserNotFoundError';
  }
}

export class PostNotFoundError extends Error {
  readonly code = 'POST_NOT_FOUND';
  constructor(
    readonly postId: number,
    options?: { cause?: unknown },
  ) {
    super(`Post ${postId} does not exist`, options);
    this.name = 'PostNotFoundError';
  }
}
