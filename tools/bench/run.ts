// npm run bench [-- [--quick] [name-filter...]]: runs bench/*.bench.ts one file at a time.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createClient } from 'redis';
import { createDatabase, dropDatabase, withAdminClient } from '../../prisma/admin.ts';
import { withDatabase } from '../../prisma/urls.ts';
import { describeServices, findServices, realProbes } from '../testing/services.ts';
import { prepareTemplates } from '../testing/templates.ts';
import { ROOT } from '../labs/meta.ts';
import { compareTasks, printTable, type BenchFile } from './context.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const filters = args.filter((a) => !a.startsWith('--'));
const benchDir = path.join(ROOT, 'bench');
const files = readdirSync(benchDir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => !filters.length || filters.some((x) => f.includes(x)))
  .sort();

if (!files.length) {
  console.error(`No bench files match ${filters.join(', ') || '*'} in bench/.`);
  process.exit(1);
}

const services = await findServices(realProbes());
console.log(`[bench] ${describeServices(services)}  node ${process.version}${quick ? '  (--quick)' : ''}`);
const templates = await prepareTemplates(services.databaseUrl);
let failed = 0;
try {
  for (const file of files) {
    const { default: bench } = (await import(pathToFileURL(path.join(benchDir, file)).href)) as { default: BenchFile };
    console.log(`\n## ${bench.name}  (bench/${file})`);
    const dbName = `wb_bench_${process.pid}_${files.indexOf(file)}`;
    const redisPrefix = `wb:bench:${process.pid}:${files.indexOf(file)}:`;
    await withAdminClient(services.databaseUrl, (c) => createDatabase(c, dbName, templates.app));
    try {
      await bench.run({
        services: { databaseUrl: withDatabase(services.databaseUrl, dbName), redisUrl: services.redisUrl, redisPrefix },
        quick,
        compare: (title, tasks, options) => compareTasks(title, tasks, { ...options, quick }),
        table: printTable,
      });
    } catch (error) {
      failed++;
      console.error(`bench/${file} failed:`, error);
    } finally {
      await withAdminClient(services.databaseUrl, (c) => dropDatabase(c, dbName));
      const redis = createClient({ url: services.redisUrl });
      redis.on('error', () => {});
      await redis.connect();
      for await (const keys of redis.scanIterator({ MATCH: `${redisPrefix}*`, COUNT: 500 })) if (keys.length) await redis.unlink(keys);
      redis.destroy();
    }
  }
} finally {
  await services.close();
}
process.exitCode = failed ? 1 : 0;
