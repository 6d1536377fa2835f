// The drift check: prisma/schema.prisma and prisma/migrations must describe the same database.
// If this file fails on "the committed migrations match", read the problems it lists: either
// schema.prisma gained something the SQL does not create, or the SQL creates what the schema lacks.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { useDatabase } from '../testing/test-env.ts';
import {
  type Catalog,
  checkDrift,
  compareSchemas,
  DriftCode,
  expectedSchema,
  formatDrift,
  normalizeDefault,
  readCatalog,
  readDatamodel,
  ReferentialAction,
  SchemaInvalidError,
} from './drift/index.ts';
import { checksumOf, migrate, readMigrations } from '../../prisma/migrate.ts';

const SCHEMA_FILE = path.resolve(import.meta.dirname, '../../prisma/schema.prisma');
const schemaText = readFileSync(SCHEMA_FILE, 'utf8');

const app = useDatabase(); // prisma/migrations applied by the harness
const scratch = useDatabase({ template: 'empty' });

/** The committed migrations with one exact line taken out (the line must exist: no silent pass). */
function migrationsWithout(line: string) {
  const migrations = readMigrations();
  const hit = migrations.find((m) => m.sql.split('\n').some((l) => l.trim() === line));
  if (!hit) throw new Error(`No migration has the line ${JSON.stringify(line)}: update this test`);
  return migrations.map((m) => {
    if (m !== hit) return m;
    const sql = m.sql.split('\n').filter((l) => l.trim() !== line).join('\n');
    return { ...m, sql, checksum: checksumOf(sql) };
  });
}

/** schema.prisma with `extra` inserted after the (exact, trimmed) line `after`. */
function schemaWith(after: string, extra: string): string {
  const lines = schemaText.split('\n');
  const at = lines.findIndex((l) => l.trim() === after);
  if (at < 0) throw new Error(`schema.prisma has no line ${JSON.stringify(after)}: update this test`);
  lines.splice(at + 1, 0, extra);
  return lines.join('\n');
}

async function resetScratch() {
  await scratch.pool.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
}

describe('the committed migrations', () => {
  test('match prisma/schema.prisma: every model, field, relation and index, and nothing extra', async () => {
    const problems = await checkDrift(schemaText, app.pool);

    expect(problems, formatDrift(problems)).toEqual([]);
  });

  test('are recorded in _prisma_migrations the way prisma migrate deploy records them', async () => {
    const { rows } = await app.pool.query<{ migration_name: string; checksum: string; finished: boolean; applied_steps_count: number }>(
      `SELECT migration_name, checksum, finished_at IS NOT NULL AS finished, applied_steps_count
         FROM _prisma_migrations ORDER BY migration_name`,
    );

    expect(rows).toEqual(
      readMigrations().map((m) => ({ migration_name: m.name, checksum: m.checksum, finished: true, applied_steps_count: 1 })),
    );
  });
});

describe("lab 03's reference copy", () => {
  test('describes the same database as prisma/schema.prisma', () => {
    const labSchema = readFileSync(path.resolve(import.meta.dirname, '../../solutions/03-prisma-schema/schema.prisma'), 'utf8');

    expect(expectedSchema(readDatamodel(labSchema)), 'solutions/03-prisma-schema/schema.prisma has drifted from prisma/schema.prisma').toEqual(
      expectedSchema(readDatamodel(schemaText)),
    );
  });

  test('has migration SQL that builds the same database as prisma/migrations', async () => {
    await resetScratch();
    await migrate(scratch.url, readMigrations(path.resolve(import.meta.dirname, '../../solutions/03-prisma-schema/migrations')));

    const problems = await checkDrift(schemaText, scratch.pool);

    expect(problems, formatDrift(problems)).toEqual([]);
  });
});

describe('drift in the SQL is caught', () => {
  beforeAll(resetScratch);

  test('a column removed from the migration SQL', async () => {
    await resetScratch();
    await migrate(scratch.url, migrationsWithout('"codec" TEXT,'));

    const problems = await checkDrift(schemaText, scratch.pool);

    expect(problems).toEqual([
      {
        code: DriftCode.MISSING_COLUMN,
        table: 'videos',
        object: 'codec',
        message: 'table "videos": column "codec" is missing (Video.codec String?)',
      },
    ]);
  });

  test('an index removed from the migration SQL', async () => {
    await resetScratch();
    await migrate(scratch.url, migrationsWithout('CREATE INDEX "events_payload_idx" ON "events" USING GIN ("payload" jsonb_path_ops);'));

    const problems = await checkDrift(schemaText, scratch.pool);

    expect(problems.map((p) => [p.code, p.table, p.object])).toEqual([[DriftCode.MISSING_INDEX, 'events', 'events_payload_idx']]);
  });

  test('a uuid column written as TEXT, and a cascade that is missing', async () => {
    await resetScratch();
    const migrations = readMigrations().map((m) => {
      const sql = m.sql
        .replace('"id" UUID NOT NULL,', '"id" TEXT NOT NULL,')
        .replace(
          'ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE',
          'ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT',
        );
      return { ...m, sql, checksum: checksumOf(sql) };
    });
    await migrate(scratch.url, migrations);

    const problems = await checkDrift(schemaText, scratch.pool);

    expect(problems.map((p) => [p.code, p.table, p.object])).toEqual([
      [DriftCode.COLUMN_TYPE, 'sessions', 'id'],
      [DriftCode.FOREIGN_KEY_ACTION, 'sessions', 'sessions_user_id_fkey'],
    ]);
    expect(problems[0]!.message).toBe('table "sessions": column "id" is text, expected uuid (Session.id String @id @db.Uuid)');
  });
});

describe('drift in the schema is caught', () => {
  test('a field added to schema.prisma alone', async () => {
    const problems = await checkDrift(schemaWith('codec       String?', '  subtitle    String?'), app.pool);

    expect(problems).toEqual([
      {
        code: DriftCode.MISSING_COLUMN,
        table: 'videos',
        object: 'subtitle',
        message: 'table "videos": column "subtitle" is missing (Video.subtitle String?)',
      },
    ]);
  });

  test('an index added to schema.prisma alone', async () => {
    const problems = await checkDrift(schemaWith('@@index([projectId])', '  @@index([createdAt(sort: Desc)])'), app.pool);

    expect(problems.map((p) => p.message)).toEqual([
      'table "videos": index "videos_created_at_idx" on (created_at) is missing (Video @@index([createdAt(sort: Desc)]))',
    ]);
  });

  test('a model left out of the datamodel: its table is extra', async () => {
    const datamodel = readDatamodel(schemaText);
    const withoutEvent = {
      ...datamodel,
      models: datamodel.models
        .filter((m) => m.name !== 'Event')
        .map((m) => ({ ...m, fields: m.fields.filter((f) => f.type !== 'Event') })),
    };

    const problems = compareSchemas(expectedSchema(withoutEvent), await readCatalog(app.pool));

    expect(problems.map((p) => [p.code, p.table])).toEqual([[DriftCode.EXTRA_TABLE, 'events']]);
  });

  test('an invalid schema is reported with Prisma\'s own validation message', () => {
    const broken = schemaText.replace('codec       String?', 'codec       Strin?');

    expect(() => readDatamodel(broken)).toThrowError(SchemaInvalidError);
    expect(() => readDatamodel(broken)).toThrowError(/Type "Strin" is neither a built-in type/);
  });
});

describe('compareSchemas (pure): each kind of difference', () => {
  let catalog: Catalog;
  const expectedOnce = expectedSchema(readDatamodel(schemaText));
  const expected = () => expectedOnce;
  const codesAfter = (mutate: (c: Catalog) => void) => {
    const copy = structuredClone(catalog);
    mutate(copy);
    return compareSchemas(expected(), copy).map((p) => [p.code, p.table, p.object ?? null]);
  };

  beforeAll(async () => {
    catalog = await readCatalog(app.pool);
  });

  test('the real catalog has no differences', () => {
    expect(codesAfter(() => {})).toEqual([]);
  });

  test('column type, nullability and default', () => {
    expect(codesAfter((c) => (c.tables.videos!.columns.title!.type = 'character varying(255)'))).toEqual([[DriftCode.COLUMN_TYPE, 'videos', 'title']]);
    expect(codesAfter((c) => (c.tables.posts!.columns.content!.nullable = false))).toEqual([[DriftCode.COLUMN_NULLABILITY, 'posts', 'content']]);
    expect(codesAfter((c) => (c.tables.jobs!.columns.status!.default = "'failed'::job_status"))).toEqual([[DriftCode.COLUMN_DEFAULT, 'jobs', 'status']]);
    expect(codesAfter((c) => (c.tables.users!.columns.updated_at!.default = 'CURRENT_TIMESTAMP'))).toEqual([[DriftCode.COLUMN_DEFAULT, 'users', 'updated_at']]);
    expect(codesAfter((c) => (c.tables.users!.columns.id!.default = null))).toEqual([[DriftCode.COLUMN_DEFAULT, 'users', 'id']]);
  });

  test('extra columns, tables and enum values', () => {
    expect(codesAfter((c) => (c.tables.users!.columns.nickname = { type: 'text', nullable: true, default: null }))).toEqual([
      [DriftCode.EXTRA_COLUMN, 'users', 'nickname'],
    ]);
    expect(codesAfter((c) => (c.tables.audit_log = { columns: {}, indexes: [], foreignKeys: [] }))).toEqual([[DriftCode.EXTRA_TABLE, 'audit_log', null]]);
    expect(codesAfter((c) => c.enums.job_status!.push('paused'))).toEqual([[DriftCode.ENUM_VALUES, 'job_status', null]]);
    expect(codesAfter((c) => delete c.enums.job_status)).toEqual([[DriftCode.MISSING_ENUM, 'job_status', null]]);
  });

  test('index uniqueness, method, operator class and name', () => {
    const index = (c: Catalog, table: string, name: string) => c.tables[table]!.indexes.find((i) => i.name === name)!;

    expect(codesAfter((c) => (index(c, 'users', 'users_email_key').unique = false))).toEqual([[DriftCode.INDEX_DEFINITION, 'users', 'users_email_key']]);
    expect(codesAfter((c) => (index(c, 'events', 'events_payload_idx').method = 'btree'))).toEqual([[DriftCode.INDEX_DEFINITION, 'events', 'events_payload_idx']]);
    expect(codesAfter((c) => (index(c, 'events', 'events_payload_idx').opclasses = [{ name: 'jsonb_ops', isDefault: true }]))).toEqual([
      [DriftCode.INDEX_DEFINITION, 'events', 'events_payload_idx'],
    ]);
    expect(codesAfter((c) => (index(c, 'posts', 'posts_published_created_at_idx').descending = [false, true]))).toEqual([
      [DriftCode.INDEX_DEFINITION, 'posts', 'posts_published_created_at_idx'],
    ]);
    expect(codesAfter((c) => (index(c, 'posts', 'posts_author_id_idx').name = 'posts_author_idx'))).toEqual([
      [DriftCode.MISSING_INDEX, 'posts', 'posts_author_id_idx'],
    ]);
    expect(
      codesAfter((c) =>
        c.tables.posts!.indexes.push({ ...index(c, 'posts', 'posts_author_id_idx'), name: 'posts_title_idx', columns: ['title'] }),
      ),
    ).toEqual([[DriftCode.EXTRA_INDEX, 'posts', 'posts_title_idx']]);
  });

  test('foreign keys: missing, extra, and ON DELETE', () => {
    const fk = (c: Catalog, table: string) => c.tables[table]!.foreignKeys[0]!;

    expect(codesAfter((c) => (fk(c, 'events').onDelete = ReferentialAction.CASCADE))).toEqual([
      [DriftCode.FOREIGN_KEY_ACTION, 'events', 'events_user_id_fkey'],
    ]);
    expect(codesAfter((c) => (c.tables.sessions!.foreignKeys = []))).toEqual([[DriftCode.MISSING_FOREIGN_KEY, 'sessions', 'sessions_user_id_fkey']]);
    expect(codesAfter((c) => c.tables.posts!.foreignKeys.push({ ...fk(c, 'posts'), name: 'posts_title_fkey', columns: ['title'] }))).toEqual([
      [DriftCode.EXTRA_FOREIGN_KEY, 'posts', 'posts_title_fkey'],
    ]);
  });

  test('normalizeDefault strips casts, parentheses and quotes', () => {
    expect(normalizeDefault("'pending'::job_status")).toBe('pending');
    expect(normalizeDefault("'{}'::jsonb")).toBe('{}');
    expect(normalizeDefault("'it''s'::text")).toBe("it's");
    expect(normalizeDefault("('2020-01-01 00:00:00'::timestamp without time zone)")).toBe('2020-01-01 00:00:00');
    expect(normalizeDefault('0')).toBe('0');
    expect(normalizeDefault('false')).toBe('false');
  });
});
