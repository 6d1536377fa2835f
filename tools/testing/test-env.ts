// Per-test-file services. Call these at the top level of a test file:
//
//   const db = useDatabase();          // a fresh database cloned from the `app` template
//   const redis = useRedis();          // a connected client + a key/channel prefix of its own
//
// They register beforeAll/afterAll hooks: the database is made before the file's first test (a
// spare copy of the template renamed, see clone-pool.ts) and dropped after its last; the Redis
// keys under the prefix are deleted and the client closed.
// Properties throw if read outside a test or hook (before the resources exist).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { RedisClientType } from 'redis';
import { afterAll, beforeAll, inject } from 'vitest';
import { withAdminClient } from '../../prisma/admin.ts';
import type { PrismaClient } from '../../prisma/client.ts';
import { withDatabase } from '../../prisma/urls.ts';
import { claimDatabase, dropInBackground, refillPool, testDatabaseName } from './clone-pool.ts';
import type { TemplateKind } from './context.ts';
import { withDeadline } from './wait.ts';

// Loaded on first use. The generated Prisma client takes a second or more to import, and files on
// the `empty` template (the raw-SQL labs) never use it; node-redis takes a few hundred ms, and the
// database labs never use it.
type PrismaModule = typeof import('../../prisma/client.ts');
let prismaModule: PrismaModule | undefined;

const unique = () => randomBytes(4).toString('hex');

function lateBound<T>(what: string): { get(): T; set(v: T | undefined): void } {
  let value: T | undefined;
  return {
    get() {
      if (value === undefined) throw new Error(`${what} is only available inside tests and hooks (after beforeAll).`);
      return value;
    },
    set(v) {
      value = v;
    },
  };
}

export interface TestDatabase {
  /** Name of this file's database. */
  readonly name: string;
  /** Connection URL of this file's database. */
  readonly url: string;
  /** A `pg` pool on this database (closed after the file). */
  readonly pool: pg.Pool;
  /** A PrismaClient on this database (created on first use, disconnected after the file). */
  readonly prisma: PrismaClient;
}

export interface UseDatabaseOptions {
  /** Which template to clone. @default 'app' */
  template?: TemplateKind;
}

export function useDatabase(options: UseDatabaseOptions = {}): TestDatabase {
  const ctx = inject('workbook');
  const name = testDatabaseName(ctx.runId, unique());
  const url = withDatabase(ctx.databaseUrl, name);
  const pool = lateBound<pg.Pool>('db.pool');
  let prisma: PrismaClient | undefined;

  const template = options.template ?? 'app';

  beforeAll(async () => {
    const source = ctx.templates[template];
    // Importing Prisma keeps this thread busy while the server prepares the database: side by side.
    const [, loaded] = await Promise.all([
      withAdminClient(ctx.databaseUrl, (c) => claimDatabase(c, name, source)),
      template === 'app' ? import('../../prisma/client.ts') : undefined,
    ]);
    if (loaded) prismaModule ??= loaded;
    // A spare for a later file or run, copied while this file's tests run (never waited for).
    if (ctx.spares) void refillPool(ctx.databaseUrl, source);
    const p = new pg.Pool({ connectionString: url, max: 5 });
    p.on('error', () => {}); // idle-client errors (e.g. server restart) surface on the next query
    // A client the code under test checked out and never released would throw when the database
    // is dropped below (FORCE terminates it); its test has already failed and said why.
    p.on('connect', (client) => client.on('error', () => {}));
    pool.set(p);
  });

  afterAll(async () => {
    await prisma?.$disconnect();
    prisma = undefined;
    // pool.end() waits for every checked-out client: a leaked one (lab 01 teaches that mistake)
    // would hang teardown. Give up after a moment; DROP DATABASE ... WITH (FORCE) ends it anyway.
    await withDeadline(pool.get().end(), 2000, 'a pg client was never released').catch(() => {});
    pool.set(undefined);
    // Sent, not waited for: the next test file starts meanwhile.
    await dropInBackground(ctx.databaseUrl, name);
  });

  return {
    name,
    url,
    get pool() {
      return pool.get();
    },
    get prisma() {
      pool.get(); // same lifetime as the pool
      if (!prismaModule) throw new Error(`db.prisma needs a database on the 'app' template (this one is '${template}').`);
      prisma ??= prismaModule.createPrismaClient(url);
      return prisma;
    },
  };
}

export interface TestRedis {
  readonly url: string;
  /** A prefix unique to this file, e.g. `wb:3fa9c1:5d2e7a10:`. Put it in front of every key and channel. */
  readonly prefix: string;
  /** A connected node-redis client (closed after the file). */
  readonly client: RedisClientType;
  /** `prefix + parts.join(':')`. */
  key(...parts: Array<string | number>): string;
}

export function useRedis(): TestRedis {
  const ctx = inject('workbook');
  const prefix = `wb:${ctx.runId}:${unique()}:`;
  const client = lateBound<RedisClientType>('redis.client');

  beforeAll(async () => {
    const { createClient } = await import('redis');
    const c: RedisClientType = createClient({ url: ctx.redisUrl });
    c.on('error', () => {}); // reconnects on its own; commands reject while it is down
    await c.connect();
    client.set(c);
  });

  afterAll(async () => {
    const c = client.get();
    for await (const keys of c.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
      if (keys.length) await c.unlink(keys);
    }
    c.destroy();
    client.set(undefined);
  });

  return {
    url: ctx.redisUrl,
    prefix,
    get client() {
      return client.get();
    },
    key: (...parts) => prefix + parts.join(':'),
  };
}
