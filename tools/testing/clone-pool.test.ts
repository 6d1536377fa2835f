// The pool of spare template copies, on the real server, with a template of this file's own (so the
// spares of the runs going on beside it are not touched), and the pure naming rules.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import pgModule from 'pg';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, onTestFinished, test } from 'vitest';
import { createDatabase, databaseExists, dropDatabase, withAdminClient } from '../../prisma/admin.ts';
import { withDatabase } from '../../prisma/urls.ts';
import {
  claimDatabase,
  dropInBackground,
  dropRunDatabases,
  holdRunLock,
  POOL_SIZE,
  refillPool,
  runLockKey,
  runOfDatabase,
  sparePrefix,
  sweep,
  TEMPLATE_PREFIX,
  templateOfSpare,
  testDatabaseName,
} from './clone-pool.ts';
import { waitFor } from './wait.ts';

const run = promisify(execFile);

const ctx = inject('workbook');
const template = `${TEMPLATE_PREFIX}pooltest_${randomBytes(3).toString('hex')}`;
const admin = <T>(fn: (client: pg.Client) => Promise<T>) => withAdminClient(ctx.databaseUrl, fn);
const hex = (bytes: number) => randomBytes(bytes).toString('hex');

async function namesStartingWith(prefix: string): Promise<string[]> {
  return admin(async (c) => {
    const { rows } = await c.query<{ datname: string }>('SELECT datname FROM pg_database WHERE starts_with(datname, $1) ORDER BY oid', [prefix]);
    return rows.map((r) => r.datname);
  });
}
const spares = () => namesStartingWith(sparePrefix(template));

beforeAll(async () => {
  await admin((c) => createDatabase(c, template, ctx.templates.empty));
});

afterAll(async () => {
  await admin(async (c) => {
    for (const name of await spares()) await dropDatabase(c, name);
    await dropDatabase(c, template);
  });
});

describe('the pool of spares', () => {
  test('refillPool copies the template until there are POOL_SIZE spares, and a second refill at once adds none', async () => {
    await Promise.all([refillPool(ctx.databaseUrl, template), refillPool(ctx.databaseUrl, template)]);

    expect(await spares()).toHaveLength(POOL_SIZE);
  });

  test('claimDatabase renames a spare while there is one (two claims at once never get the same one), then copies the template', async () => {
    const before = await spares();
    const names = Array.from({ length: POOL_SIZE + 1 }, () => testDatabaseName(hex(3), hex(4)));
    onTestFinished(() => Promise.all(names.map((name) => dropInBackground(ctx.databaseUrl, name))).then(() => {}));

    const pair = await Promise.all(names.slice(0, 2).map((name) => admin((c) => claimDatabase(c, name, template))));
    const afterPair = await spares();
    const rest = [];
    for (const name of names.slice(2)) rest.push(await admin((c) => claimDatabase(c, name, template)));

    expect(pair).toEqual([true, true]);
    expect(before.filter((s) => !afterPair.includes(s))).toHaveLength(2);
    expect(rest).toEqual([...Array(POOL_SIZE - 2).fill(true), false]);
    expect(await spares()).toEqual([]);
    await admin(async (c) => {
      for (const name of names) expect(await databaseExists(c, name)).toBe(true);
    });
    // Spare or copy, a test database commits without waiting for the disk.
    for (const name of [names[0]!, names.at(-1)!]) {
      const client = new pgModule.Client({ connectionString: withDatabase(ctx.databaseUrl, name) });
      await client.connect();
      onTestFinished(() => client.end());
      expect((await client.query('SHOW synchronous_commit')).rows[0]).toEqual({ synchronous_commit: 'off' });
    }
  });
});

describe('dropInBackground', () => {
  test('the server finishes the DROP after the process that sent it has exited', async () => {
    const name = testDatabaseName(hex(3), hex(4));
    await admin((c) => createDatabase(c, name, template));
    const script = [
      `import { dropInBackground } from ${JSON.stringify(path.join(import.meta.dirname, 'clone-pool.ts'))};`,
      `await dropInBackground(${JSON.stringify(ctx.databaseUrl)}, ${JSON.stringify(name)});`,
      'process.exit(0);',
    ].join('\n');

    await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { timeout: 30_000 });

    await waitFor(async () => !(await admin((c) => databaseExists(c, name))), { timeoutMs: 20_000, message: `${name} should be dropped` });
  });
});

describe('sweep', () => {
  test('drops the databases of runs nobody holds the lock of, and spares beyond POOL_SIZE; keeps a running run', async () => {
    const [dead, alive] = [hex(3), hex(3)];
    const lock = await holdRunLock(ctx.databaseUrl, alive);
    const [deadDb, aliveDb] = [testDatabaseName(dead, hex(4)), testDatabaseName(alive, hex(4))];
    await refillPool(ctx.databaseUrl, template);
    const extra = `${sparePrefix(template)}${hex(4)}`;
    await admin(async (c) => {
      for (const name of [deadDb, aliveDb, extra]) await createDatabase(c, name, template);
    });

    await sweep(ctx.databaseUrl);

    await admin(async (c) => {
      expect(await databaseExists(c, deadDb)).toBe(false);
      expect(await databaseExists(c, aliveDb)).toBe(true);
    });
    expect(await spares()).toHaveLength(POOL_SIZE);
    await lock.release();
    await dropRunDatabases(ctx.databaseUrl, alive);
    await waitFor(async () => (await namesStartingWith(testDatabaseName(alive, ''))).length === 0, {
      timeoutMs: 20_000,
      message: "dropRunDatabases should drop the run's databases",
    });
  });

  test('drops the spares of a template that is gone', async () => {
    const gone = `${TEMPLATE_PREFIX}gone_${hex(3)}`;
    const orphan = `${sparePrefix(gone)}${hex(4)}`;
    await admin((c) => createDatabase(c, orphan, template));

    await sweep(ctx.databaseUrl);

    expect(await namesStartingWith(sparePrefix(gone))).toEqual([]);
    expect(await spares(), "the spares of this file's template, which exists, stay").toHaveLength(POOL_SIZE);
  });
});

describe('names', () => {
  test('a spare names its template; other names are not spares', () => {
    const app = `${TEMPLATE_PREFIX}app_204361977592`;

    expect(sparePrefix(app)).toBe('wb_pool_app_204361977592_');
    expect(templateOfSpare('wb_pool_app_204361977592_0a1b2c3d', [app, 'wb_tpl_empty'])).toBe(app);
    expect(templateOfSpare('wb_pool_app_999999999999_0a1b2c3d', [app])).toBeUndefined();
    expect(templateOfSpare('wb_pool_app_204361977592_x', [app])).toBeUndefined();
    expect(() => sparePrefix('video_editor')).toThrow('not a workbook template');
  });

  test("a test database names its run, and the run's id is its lock key", () => {
    expect(testDatabaseName('0a1b2c', '5d2e7a10')).toBe('wb_r_0a1b2c_5d2e7a10');
    expect(runOfDatabase('wb_r_0a1b2c_5d2e7a10')).toBe('0a1b2c');
    expect(runOfDatabase('wb_pool_empty_5d2e7a10')).toBeUndefined();
    expect(runLockKey('ffffff')).toBe(16_777_215);
    expect(() => runLockKey('xyz')).toThrow('6 hex digits');
  });
});
