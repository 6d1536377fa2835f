// Lab 04's failures, one class each, with a machine-readable `code` for the HTTP layer to map.
// Prisma reports database errors as PrismaClientKnownRequestError with its own codes (P2002, P2025);
// the two predicates below are the only place that knows those codes.
import { Prisma } from '../../prisma/client.ts';

export class EmailTakenError extends Error {
  readonly code = 'EMAIL_TAKEN';
  constructor(readonly email: string, options?: ErrorOptions) {
    super(`A user with the email "${email}" already exists.`, options);
    this.name = 'EmailTakenError';
  }
}

export class UserNotFoundError extends Error {
  readonly code = 'USER_NOT_FOUND';
  constructor(readonly userId: number, options?: ErrorOptions) {
    super(`User ${userId} does not exist.`, options);
    this.name = 'UserNotFoundError';
  }
}

/** P2002: a unique constraint (here: users.email) rejected the write. */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}

/** P2025: update/delete found no row to work on. */
export function isRecordNotFound(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2025';
}
