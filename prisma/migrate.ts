// Applies prisma/migrations/* without Prisma's schema engine, recording each one in
// `_prisma_migrations` exactly as `prisma migrate deploy` would (same table, same sha256
// checksum of migration.sql), so a learner who later gets the engine sees them as applied.
import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { MigrationChecksumMismatchError, MigrationFailedError } from './errors.ts';

export const MIGRATIONS_DIR = path.resolve(import.meta.dirname, 'migrations');

export interface Migration {
  /** Folder name, e.g. `20261126000000_init`: Prisma orders migrations by it. */
  name: string;
  sql: string;
  /** sha256 hex of migration.sql, the value Prisma stores in `_prisma_migrations.checksum`. */
  checksum: string;
}

export function checksumOf(sql: string): string {
  return createHash('sha256').update(sql).digest('hex');
}

export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((name) => statSync(path.join(dir, name)).isDirectory())
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: checksumOf(sql) };
    });
}

/** A digest of every migration, used to name template databases so a changed migration gets a new template. */
export function migrationsDigest(migrations: Migration[]): string {
  return checksumOf(migrations.map((m) => `${m.name}:${m.checksum}`).join('\n')).slice(0, 12);
}

// The table as Prisma's schema engine creates it (postgres flavour).
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export interface MigrateResult {
  applied: string[];
  alreadyApplied: string[];
}

/**
 * The advisory lock `prisma migrate deploy` takes (its schema engine's `72707369`), so this applier,
 * the Prisma CLI and any number of app instances starting at once migrate one at a time.
 */
export const MIGRATION_LOCK_KEY = 72707369;

/**
 * Applies pending migrations in order, each in its own transaction, holding {@link MIGRATION_LOCK_KEY}
 * for the whole run: N processes starting together on an empty database apply each migration once.
 * A migration that was applied with different SQL is refused, never re-run.
 * @throws MigrationChecksumMismatchError (`MIGRATION_CHECKSUM_MISMATCH`), MigrationFailedError (`MIGRATION_FAILED`)
 */
export async function migrate(databaseUrl: string, migrations = readMigrations()): Promise<MigrateResult> {
  const client = new pg.Client({ connectionString: databaseUrl });
  client.on('error', () => {}); // a dropped connection surfaces as a rejected query below
  await client.connect();
  try {
    // Session-level lock: released by the unlock below, or by PostgreSQL when this connection ends.
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query(CREATE_MIGRATIONS_TABLE);
    const { rows } = await client.query<{ migration_name: string; checksum: string }>(
      `SELECT migration_name, checksum FROM "_prisma_migrations"
        WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    const done = new Map(rows.map((r) => [r.migration_name, r.checksum]));
    const result: MigrateResult = { applied: [], alreadyApplied: [] };
    for (const migration of migrations) {
      const recorded = done.get(migration.name);
      if (recorded !== undefined) {
        if (recorded !== migration.checksum) throw new MigrationChecksumMismatchError(migration.name);
        result.alreadyApplied.push(migration.name);
        continue;
      }
      await applyOne(client, migration);
      result.applied.push(migration.name);
    }
    return result;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => {});
    await client.end();
  }
}

async function applyOne(client: pg.Client, migration: Migration): Promise<void> {
  const id = randomUUID();
  try {
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
       VALUES ($1, $2, $3, now(), 0)`,
      [id, migration.checksum, migration.name],
    );
    await client.query(migration.sql);
    await client.query(
      `UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`,
      [id],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw new MigrationFailedError(migration.name, { cause: error });
  }
}
