// npm run db:migrate: apply committed migrations to DATABASE_URL without Prisma's engine.
import { ensureDatabase } from './admin.ts';
import { migrate } from './migrate.ts';
import { defaultDatabaseUrl } from './urls.ts';

const url = defaultDatabaseUrl();
try {
  await ensureDatabase(url);
  const { applied, alreadyApplied } = await migrate(url);
  for (const name of alreadyApplied) console.log(`  = ${name} (already applied)`);
  for (const name of applied) console.log(`  + ${name}`);
  console.log(applied.length ? `Applied ${applied.length} migration(s).` : 'Database is up to date.');
} catch (error) {
  console.error(`db:migrate failed: ${(error as Error).message}`);
  process.exitCode = 1;
}
