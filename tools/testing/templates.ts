// Template databases: migrated once, then copied per test file (see clone-pool.ts: a spare copy
// renamed, or CREATE DATABASE ... TEMPLATE), instead of re-running migrations for every file.
import { createDatabase, databaseExists, dropDatabase, ident, withAdminClient } from '../../prisma/admin.ts';
import { migrate, migrationsDigest, readMigrations } from '../../prisma/migrate.ts';
import { withDatabase } from '../../prisma/urls.ts';
import { TEMPLATE_PREFIX } from './clone-pool.ts';
import type { TemplateKind } from './context.ts';

const LOCK_KEY = 0x776b6264; // "wkbd": serialises template creation across parallel runs

export async function prepareTemplates(serverUrl: string): Promise<Record<TemplateKind, string>> {
  const migrations = readMigrations();
  // The name carries a digest of the migrations: edit one and a fresh template is built.
  const app = `${TEMPLATE_PREFIX}app_${migrationsDigest(migrations)}`;
  const empty = `${TEMPLATE_PREFIX}empty`;
  await withAdminClient(serverUrl, async (client) => {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    try {
      if (!(await databaseExists(client, empty))) await createDatabase(client, empty, 'template0');
      if (!(await databaseExists(client, app))) {
        const building = `${app}_building`;
        await dropDatabase(client, building);
        await createDatabase(client, building, 'template0');
        await migrate(withDatabase(serverUrl, building), migrations);
        await client.query(`ALTER DATABASE ${ident(building)} RENAME TO ${ident(app)}`);
      }
      // Templates of other versions of the migrations are left alone: another checkout on the same
      // server (a branch, a grading workspace) may be cloning from one right now.
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]);
    }
  });
  return { app, empty };
}
