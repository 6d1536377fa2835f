export class MigrationChecksumMismatchError extends Error {
  readonly code = 'MIGRATION_CHECKSUM_MISMATCH';
  constructor(readonly migration: string) {
    super(
      `Migration "${migration}" was already applied, but its migration.sql has changed since. ` +
        `Applied migrations are history: restore the file and add a new migration for the change ` +
        `(or drop the database if it only holds throwaway data).`,
    );
    this.name = 'MigrationChecksumMismatchError';
  }
}

export class MigrationFailedError extends Error {
  readonly code = 'MIGRATION_FAILED';
  constructor(readonly migration: string, options?: ErrorOptions) {
    super(`Migration "${migration}" failed and was rolled back: ${(options?.cause as Error | undefined)?.message ?? 'unknown error'}`, options);
    this.name = 'MigrationFailedError';
  }
}

/** Prisma codes for "the database is not there right now": unreachable, timed out, closed, pool exhausted. */
const UNAVAILABLE_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
/** The same, as the pg driver adapter reports it in `meta.driverAdapterError.cause.kind`. */
const UNAVAILABLE_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections', 'TransactionAlreadyClosed']);
/** What node-postgres throws as plain Errors when the server goes quiet or away mid-query. */
const UNAVAILABLE_MESSAGES = [/^Query read timeout$/, /^Connection terminated/, /timeout exceeded when trying to connect/i];
const UNAVAILABLE_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND']);

/**
 * True if `error` says PostgreSQL could not be reached or did not answer in time (as opposed to a
 * query that is wrong, or a constraint that failed). A server answers these with 503 and a code,
 * and recovers by itself once the database is back; anything else is a bug (500).
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const e = error as Error & { code?: unknown; meta?: { driverAdapterError?: { cause?: { kind?: unknown } } } };
  if (e.name === 'PrismaClientInitializationError') return true;
  if (typeof e.code === 'string' && (UNAVAILABLE_CODES.has(e.code) || UNAVAILABLE_ERRNOS.has(e.code))) return true;
  const kind = e.meta?.driverAdapterError?.cause?.kind;
  if (typeof kind === 'string' && UNAVAILABLE_KINDS.has(kind)) return true;
  if (UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(e.message))) return true;
  return e.cause !== undefined && e.cause !== error && isDatabaseUnavailable(e.cause);
}
