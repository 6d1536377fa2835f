// npm run bench [-- [--quick] [--json FILE] [name-filter...]]: runs bench/*.bench.ts one file at a time.
// --json FILE writes every comparison and table (with the machine's name, cores and load) so a later
// run can be compared with this one.
import { readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createClient } from 'redis';
import { createDatabase, dropDatabase, withAdminClient } from '../../prisma/admin.ts';
import { withDatabase } from '../../prisma/urls.ts';
import { describeServices, findServices, realProbes } from '../testing/services.ts';
import { prepareTemplates } from '../testing/templates.ts';
import { ROOT } from '../labs/meta.ts';
import { compareTasks, printTable, takeRecord, type BenchFile, type BenchRecord } from './context.ts';

const { values, positionals: filters } = parseArgs({
  args: process.argv.slice(2),
  allowPositionals: true,
  options: { quick: { type: 'boolean', default: false }, json: { type: 'string' } },
});
const quick = values.quick;
const results: Array<{ file: string; name: string; failed: boolean } & BenchRecord> = [];
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
      results.push({ file: `bench/${file}`, name: bench.name, failed: false, ...takeRecord() });
    } catch (error) {
      failed++;
      console.error(`bench/${file} failed:`, error);
      results.push({ file: `bench/${file}`, name: bench.name, failed: true, ...takeRecord() });
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
if (values.json) {
  const machine = { node: process.version, platform: process.platform, cpus: os.cpus().length, cpu: os.cpus()[0]?.model, loadavg: os.loadavg() };
  writeFileSync(values.json, `${JSON.stringify({ date: new Date().toISOString(), quick, machine, results }, null, 2)}\n`);
  console.log(`\n[bench] results written to ${values.json}`);
}
process.exitCode = failed ? 1 : 0;
