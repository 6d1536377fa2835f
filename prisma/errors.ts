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
