// Template databases: migrated once, then cloned per test file with CREATE DATABASE ... TEMPLATE
// (a file copy inside PostgreSQL: tens of milliseconds, instead of re-running migrations).
import { createDatabase, databaseExists, dropDatabase, withAdminClient } from '../../prisma/admin.ts';
import { migrate, migrationsDigest, readMigrations } from '../../prisma/migrate.ts';
import { withDatabase } from '../../prisma/urls.ts';
import type { TemplateKind } from './context.ts';

export const DB_PREFIX = 'wb_';
const LOCK_KEY = 0x776b6264; // "wkbd": serialises template creation across parallel runs

export async function prepareTemplates(serverUrl: string): Promise<Record<TemplateKind, string>> {
  const migrations = readMigrations();
  // The name carries a digest of the migrations: edit one and a fresh template is built.
  const app = `${DB_PREFIX}tpl_app_${migrationsDigest(migrations)}`;
  const empty = `${DB_PREFIX}tpl_empty`;
  await withAdminClient(serverUrl, async (client) => {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    try {
      if (!(await databaseExists(client, empty))) await createDatabase(client, empty, 'template0');
      if (!(await databaseExists(client, app))) {
        const building = `${app}_building`;
        await dropDatabase(client, building);
        await createDatabase(client, building, 'template0');
        await migrate(withDatabase(serverUrl, building), migrations);
        await client.query(`ALTER DATABASE "${building}" RENAME TO "${app}"`);
      }
      // Templates of other versions of the migrations are left alone: another checkout on the same
      // server (a branch, a grading workspace) may be cloning from one right now.
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]);
    }
  });
  return { app, empty };
}

export function testDatabaseName(runId: string, unique: string): string {
  return `${DB_PREFIX}t_${runId}_${unique}`;
}

export async function dropRunDatabases(serverUrl: string, runId: string): Promise<void> {
  await withAdminClient(serverUrl, async (client) => {
    const { rows } = await client.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE datname LIKE $1',
      [`${DB_PREFIX}t_${runId}_%`],
    );
    for (const { datname } of rows) await dropDatabase(client, datname);
  });
}
