// Prisma CLI configuration (Prisma 7 reads the datasource URL from here, not from schema.prisma).
import { defineConfig } from 'prisma/config';
import { defaultDatabaseUrl } from './prisma/urls.ts';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: {
    path: 'prisma/migrations',
    seed: 'tsx prisma/seed.ts',
  },
  datasource: {
    // `prisma generate` needs no database; migrate/studio read DATABASE_URL, else the same default
    // database as `npm start`, `db:migrate` and `db:seed`.
    url: defaultDatabaseUrl(),
  },
});
