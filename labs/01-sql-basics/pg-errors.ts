// PostgreSQL reports every failure with a five-character SQLSTATE code; node-postgres puts it on
// `error.code` (with `error.constraint`, `error.table`, ... next to it). Match on the code, never
// on the message text: messages are translated and reworded between versions.
// Full list: https://www.postgresql.org/docs/current/errcodes-appendix.html
import pg from 'pg';

export const PgErrorCode = {
  NOT_NULL_VIOLATION: '23502',
  FOREIGN_KEY_VIOLATION: '23503',
  UNIQUE_VIOLATION: '23505',
  CHECK_VIOLATION: '23514',
  IN_FAILED_TRANSACTION: '25P02',
  /** Under SERIALIZABLE (or REPEATABLE READ): another transaction got there first. Retry the whole transaction. */
  SERIALIZATION_FAILURE: '40001',
} as const;
export type PgErrorCode = (typeof PgErrorCode)[keyof typeof PgErrorCode];

/** True if `error` came from the server with this SQLSTATE code. */
export function isPgError(error: unknown, code: PgErrorCode): error is pg.DatabaseError {
  return error instanceof pg.DatabaseError && error.code === code;
}
