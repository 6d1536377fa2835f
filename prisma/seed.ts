// npm run db:seed (and `npx prisma db seed`, through prisma.config.ts): the demo data, idempotently.
// The seed itself is lab 03's reference solution, so what the learner writes is what the app runs.
import { seedDemo } from '../solutions/03-prisma-schema/index.ts';
import { createPrismaClient } from './client.ts';
import { defaultDatabaseUrl, redact } from './urls.ts';

const url = defaultDatabaseUrl();
const prisma = createPrismaClient(url);
try {
  const s = await seedDemo(prisma);
  console.log(`Seeded ${redact(url)}: user #${s.userId} (demo@video-editor.dev), project #${s.projectId} "demo", ` +
    `${s.videos} videos, ${s.jobs} jobs, ${s.posts} posts, ${s.events} event.`);
} catch (error) {
  console.error(`db:seed failed: ${(error as Error).message}`);
  console.error('Is the database migrated? Run `npm run db:migrate` first.');
  process.exitCode = 1;
} finally {
  await prisma.$disconnect();
}
