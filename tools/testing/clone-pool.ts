// Ready-made copies of the template databases, so a test file's database costs a rename instead of
// a copy. CREATE DATABASE ... TEMPLATE copies the template's files and waits for them to reach the
// disk: 100-150 ms on an idle machine, 300-600 ms on a busy one, on the critical path of every test
// file. ALTER DATABASE ... RENAME changes one catalog row: about a millisecond.
//
//   claim   a test file renames a spare copy to its own name (none left: it copies the template, as
//           before). Renaming is atomic, so two files can never get the same copy.
//   refill  after a claim, a new spare is copied in the background, off the test's critical path,
//           while the pool has fewer than POOL_SIZE spares of that template.
//   sweep   once per run (global setup, in the background): drops spares of a template that is
//           gone or beyond POOL_SIZE, and the databases of runs that are not running any more (a
//           run that crashed or was killed never reached its teardown).
//
// A spare that exists is complete: CREATE DATABASE commits at its end, even when the process that
// asked for it has exited meanwhile, and leaves nothing behind when it fails. So the pool never
// holds more than POOL_SIZE spares per template (8 MB each), and nothing else survives a run.
import { createHash, randomBytes } from 'node:crypto';
import type pg from 'pg';
import { connectAdminClient, createDatabase, dropDatabase, ident, withAdminClient } from '../../prisma/admin.ts';

/** Every database the harness creates starts with this, so none can be mistaken for the learner's own. */
export const DB_PREFIX = 'wb_';
/** Spares per template: as many as the test files of one lab that use it (labs 01, 02, 06 and 10 have four). */
export const POOL_SIZE = 4;

/** Template databases: `wb_tpl_empty`, `wb_tpl_app_<digest of the migrations>` (templates.ts). */
export const TEMPLATE_PREFIX = `${DB_PREFIX}tpl_`;
const SPARE_PREFIX = `${DB_PREFIX}pool_`;
const RUN_PREFIX = `${DB_PREFIX}r_`;
/** Key space of the run locks (pg_advisory_lock(RUN_LOCK_CLASS, run)): "wkru". */
const RUN_LOCK_CLASS = 0x776b7275;
/** Key space of the locks of the one process filling a template's pool: "wkfi". */
const FILL_LOCK_CLASS = 0x776b6669;

/** A template's name as the second key of its fill lock (an int4). */
const fillLockKey = (template: string) => createHash('sha256').update(template).digest().readInt32BE(0);

/** `wb_tpl_<x>` → the prefix of its spares, `wb_pool_<x>_`. */
export function sparePrefix(template: string): string {
  if (!template.startsWith(TEMPLATE_PREFIX)) throw new Error(`not a workbook template: "${template}"`);
  return `${SPARE_PREFIX}${template.slice(TEMPLATE_PREFIX.length)}_`;
}

/** The template a spare was copied from, or undefined for a name that is not a spare. */
export function templateOfSpare(spare: string, templates: string[]): string | undefined {
  return templates.find((t) => spare.startsWith(sparePrefix(t)) && /^[0-9a-f]{8}$/.test(spare.slice(sparePrefix(t).length)));
}

/** A test file's database: `wb_r_<run>_<unique>` (run: 6 hex digits, see runLockKey). */
export function testDatabaseName(runId: string, unique: string): string {
  return `${RUN_PREFIX}${runId}_${unique}`;
}

/** The run a test database belongs to, or undefined for any other name. */
export function runOfDatabase(name: string): string | undefined {
  return /^wb_r_([0-9a-f]{6})_[0-9a-f]+$/.exec(name)?.[1];
}

/** The second key of a run's advisory lock: its 6-hex-digit id as a number (fits a positive int4). */
export function runLockKey(runId: string): number {
  if (!/^[0-9a-f]{6}$/.test(runId)) throw new Error(`a run id is 6 hex digits, not "${runId}"`);
  return Number.parseInt(runId, 16);
}

const codeOf = (error: unknown) => (error as { code?: string }).code;
/** 3D000: the spare is gone (another file claimed it, or a sweep dropped it). 55006: someone is connected to it. */
const TAKEN = new Set(['3D000', '55006']);

async function sparesOf(client: pg.Client, template: string): Promise<string[]> {
  const { rows } = await client.query<{ datname: string }>(
    'SELECT datname FROM pg_database WHERE starts_with(datname, $1) ORDER BY oid',
    [sparePrefix(template)],
  );
  return rows.map((r) => r.datname).filter((name) => templateOfSpare(name, [template]) === template);
}

/**
 * Copies `template` to `name`. A test database commits without waiting for its WAL to reach the
 * disk (synchronous_commit off, set on the database, so every connection to it has it): a server
 * crash could lose its last transactions, which no test outlives, and each write transaction of a
 * test (a TRUNCATE, an INSERT) skips an fsync. Paired runs at load 6-16: lab 01's and lab 11's
 * solutions 7-8% faster.
 */
async function copyTemplate(client: pg.Client, name: string, template: string): Promise<void> {
  await createDatabase(client, name, template);
  await client.query(`ALTER DATABASE ${ident(name)} SET synchronous_commit = off`);
}

/**
 * Gives the database `name` a fresh copy of `template`: a spare renamed (about 1 ms) when there is
 * one, else a copy made now. Resolves with true when a spare was used.
 */
export async function claimDatabase(client: pg.Client, name: string, template: string): Promise<boolean> {
  for (const spare of await sparesOf(client, template)) {
    try {
      await client.query(`ALTER DATABASE ${ident(spare)} RENAME TO ${ident(name)}`);
      return true;
    } catch (error) {
      if (!TAKEN.has(codeOf(error) ?? '')) throw error;
    }
  }
  await copyTemplate(client, name, template);
  return false;
}

/**
 * Copies spares of `template`, one at a time, until it has POOL_SIZE. Only one process fills a
 * template's pool at a time (a try-lock): the others leave it to that one, which counts again after
 * each copy and so also replaces spares claimed meanwhile. Never throws.
 */
export async function refillPool(serverUrl: string, template: string): Promise<void> {
  await withAdminClient(serverUrl, async (client) => {
    const { rows } = await client.query<{ mine: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS mine', [FILL_LOCK_CLASS, fillLockKey(template)]);
    if (!rows[0]?.mine) return; // released with the connection
    while ((await sparesOf(client, template)).length < POOL_SIZE) {
      await copyTemplate(client, `${sparePrefix(template)}${randomBytes(4).toString('hex')}`, template);
    }
  }).catch(() => {}); // a pool short of spares only makes the next claims copy the template themselves
}

/**
 * Holds the run's advisory lock on a connection of its own until `release()`: while it is held,
 * `sweep` leaves the run's databases alone. PostgreSQL releases it when the connection ends, so a
 * run that crashed is seen as over.
 */
export async function holdRunLock(serverUrl: string, runId: string): Promise<{ release(): Promise<void> }> {
  const client = await connectAdminClient(serverUrl); // a lost connection only ends the lock early
  await client.query('SELECT pg_advisory_lock($1, $2)', [RUN_LOCK_CLASS, runLockKey(runId)]);
  return { release: () => client.end().catch(() => {}) };
}

/**
 * Drops what no run needs any more: spares of a template that is gone or beyond POOL_SIZE, and
 * the test databases of runs whose lock nobody holds. The spares of every template that exists are
 * kept: another checkout on the same server (another version of the migrations) may use them.
 * Never throws.
 */
export async function sweep(serverUrl: string): Promise<void> {
  await withAdminClient(serverUrl, async (client) => {
    const { rows } = await client.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE starts_with(datname, $1) OR starts_with(datname, $2) OR starts_with(datname, $3) ORDER BY oid',
      [SPARE_PREFIX, RUN_PREFIX, TEMPLATE_PREFIX],
    );
    const { rows: locks } = await client.query<{ objid: string }>(
      "SELECT objid FROM pg_locks WHERE locktype = 'advisory' AND classid = $1 AND objsubid = 2 AND granted",
      [RUN_LOCK_CLASS],
    );
    const running = new Set(locks.map((l) => Number(l.objid)));
    const templates = rows.map((r) => r.datname).filter((name) => name.startsWith(TEMPLATE_PREFIX));
    const kept = new Map<string, number>();
    for (const { datname } of rows) {
      const run = runOfDatabase(datname);
      if (run !== undefined) {
        if (!running.has(runLockKey(run))) await dropDatabase(client, datname);
        continue;
      }
      if (!datname.startsWith(SPARE_PREFIX)) continue;
      const template = templateOfSpare(datname, templates);
      const count = template ? (kept.get(template) ?? 0) + 1 : Number.POSITIVE_INFINITY;
      if (template) kept.set(template, count);
      if (count > POOL_SIZE) await dropDatabase(client, datname);
    }
  }).catch(() => {}); // what is left is swept by the next run
}

/**
 * Sends DROP DATABASE for `name` and resolves once it is sent, not done: DROP DATABASE waits for a
 * checkpoint (30 ms on an idle machine, a second on a busy one), and the server finishes it on its
 * own, even when this process has exited meanwhile. Never rejects: a database it could not drop is
 * dropped by the run's teardown or, failing that, the next run's sweep.
 */
export async function dropInBackground(serverUrl: string, name: string): Promise<void> {
  let client: pg.Client;
  try {
    client = await connectAdminClient(serverUrl);
  } catch {
    return;
  }
  // The query is written to the socket within this call (a fresh client sends at once).
  void dropDatabase(client, name)
    .catch(() => {})
    .finally(() => client.end().catch(() => {}));
}

/**
 * The run's teardown: drops the test databases of this run that are still there, in the background
 * too (a test file's own drop may still be running: a second DROP ... IF EXISTS waits for it, then
 * does nothing). Resolves once every DROP is sent.
 */
export async function dropRunDatabases(serverUrl: string, runId: string): Promise<void> {
  const names = await withAdminClient(serverUrl, async (client) => {
    const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE starts_with(datname, $1)', [
      testDatabaseName(runId, ''),
    ]);
    return rows.map((r) => r.datname);
  });
  await Promise.all(names.map((name) => dropInBackground(serverUrl, name)));
}
