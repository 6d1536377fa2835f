// prisma/migrate.ts against a real PostgreSQL: an empty database for the file, a schema and a
// temporary migrations folder per test.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { useDatabase } from '../tools/testing/test-env.ts';
import { dropDatabase, ensureDatabase, withAdminClient } from './admin.ts';
import { withDatabase } from './urls.ts';
import { MigrationChecksumMismatchError, MigrationFailedError } from './errors.ts';
import { checksumOf, migrate, readMigrations } from './migrate.ts';

const db = useDatabase({ template: 'empty' });

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function migrationsDir(migrations: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'migrations-test-'));
  dirs.push(dir);
  for (const [name, sql] of Object.entries(migrations)) {
    mkdirSync(path.join(dir, name));
    writeFileSync(path.join(dir, name, 'migration.sql'), sql);
  }
  writeFileSync(path.join(dir, 'migration_lock.toml'), 'provider = "postgresql"\n');
  return dir;
}

/**
 * A fresh empty schema of its own for one test, in this file's database: `search_path` in the URL
 * makes the migrations (and `_prisma_migrations`) land there. Much faster than a database per test.
 */
async function freshDatabase(name: string): Promise<string> {
  await db.pool.query(`CREATE SCHEMA "${name}"`);
  const url = new URL(db.url);
  url.searchParams.set('options', `-c search_path=${name}`);
  return url.toString();
}

const INIT = 'CREATE TABLE "Thing" ("id" SERIAL PRIMARY KEY, "name" TEXT NOT NULL);\n';
const SECOND = 'ALTER TABLE "Thing" ADD COLUMN "size" INTEGER;\n';

describe('migrate', () => {
  test('applies every migration in order to an empty database and records each like prisma migrate deploy', async () => {
    const url = await freshDatabase('apply');
    const migrations = readMigrations(migrationsDir({ '20260101000000_init': INIT, '20260102000000_size': SECOND }));

    const result = await migrate(url, migrations);

    expect(result).toEqual({ applied: ['20260101000000_init', '20260102000000_size'], alreadyApplied: [] });
    const { Client } = (await import('pg')).default;
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ migration_name: string; checksum: string; finished: boolean; applied_steps_count: number; rolled_back_at: Date | null }>(
        `SELECT migration_name, checksum, finished_at IS NOT NULL AS finished, applied_steps_count, rolled_back_at
           FROM "_prisma_migrations" ORDER BY started_at, migration_name`,
      );
      expect(rows).toEqual([
        { migration_name: '20260101000000_init', checksum: checksumOf(INIT), finished: true, applied_steps_count: 1, rolled_back_at: null },
        { migration_name: '20260102000000_size', checksum: checksumOf(SECOND), finished: true, applied_steps_count: 1, rolled_back_at: null },
      ]);
      expect(checksumOf(INIT)).toMatch(/^[0-9a-f]{64}$/);
      const columns = await client.query<{ column_name: string }>(`SELECT column_name FROM information_schema.columns WHERE table_schema = 'apply' AND table_name = 'Thing' ORDER BY ordinal_position`);
      expect(columns.rows.map((r) => r.column_name)).toEqual(['id', 'name', 'size']);
    } finally {
      await client.end();
    }
  });

  test('a second run applies nothing', async () => {
    const url = await freshDatabase('twice');
    const migrations = readMigrations(migrationsDir({ '20260101000000_init': INIT }));
    await migrate(url, migrations);

    const again = await migrate(url, migrations);

    expect(again).toEqual({ applied: [], alreadyApplied: ['20260101000000_init'] });
  });

  test('only the new migration is applied when one is added', async () => {
    const url = await freshDatabase('added');
    await migrate(url, readMigrations(migrationsDir({ '20260101000000_init': INIT })));

    const result = await migrate(url, readMigrations(migrationsDir({ '20260101000000_init': INIT, '20260102000000_size': SECOND })));

    expect(result).toEqual({ applied: ['20260102000000_size'], alreadyApplied: ['20260101000000_init'] });
  });

  test('an applied migration whose SQL changed is refused, and nothing after it runs', async () => {
    const url = await freshDatabase('changed');
    await migrate(url, readMigrations(migrationsDir({ '20260101000000_init': INIT })));
    const edited = readMigrations(migrationsDir({ '20260101000000_init': `${INIT}-- a harmless-looking edit\n`, '20260102000000_size': SECOND }));

    const error = await migrate(url, edited).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(MigrationChecksumMismatchError);
    expect((error as MigrationChecksumMismatchError).code).toBe('MIGRATION_CHECKSUM_MISMATCH');
    expect((error as MigrationChecksumMismatchError).migration).toBe('20260101000000_init');
    const result = await migrate(url, readMigrations(migrationsDir({ '20260101000000_init': INIT })));
    expect(result.applied).toEqual([]);
  });

  test('a failing migration is rolled back and not recorded as applied', async () => {
    const url = await freshDatabase('broken');
    const migrations = readMigrations(migrationsDir({ '20260101000000_init': INIT, '20260102000000_bad': 'ALTER TABLE "Nope" ADD COLUMN x INT;' }));

    const error = await migrate(url, migrations).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(MigrationFailedError);
    expect((error as Error).message).toContain('20260102000000_bad');
    const again = await migrate(url, readMigrations(migrationsDir({ '20260101000000_init': INIT })));
    expect(again).toEqual({ applied: [], alreadyApplied: ['20260101000000_init'] });
  });

  test('processes starting together on an empty database apply each migration exactly once (advisory lock)', async () => {
    const url = await freshDatabase('racing');
    const migrations = readMigrations(migrationsDir({ '20260101000000_init': INIT, '20260102000000_more': 'CREATE TABLE "Other" ("id" SERIAL PRIMARY KEY);\n' }));

    const results = await Promise.all(Array.from({ length: 4 }, () => migrate(url, migrations)));

    const applied = results.flatMap((r) => r.applied).sort();
    expect(applied, 'every migration is applied by exactly one of the four').toEqual(['20260101000000_init', '20260102000000_more']);
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM racing."_prisma_migrations"`);
    expect(rows[0].n).toBe(2);
  });
});

describe('ensureDatabase', () => {
  test('several processes creating the same database at once all succeed', async () => {
    const name = `${db.name}_ensure`;
    const url = withDatabase(db.url, name);

    try {
      const outcomes = await Promise.allSettled(Array.from({ length: 6 }, () => ensureDatabase(url)));

      expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
    } finally {
      await withAdminClient(db.url, (client) => dropDatabase(client, name));
    }
  });
});
