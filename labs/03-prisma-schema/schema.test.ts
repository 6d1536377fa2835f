// Lab 03, part 1 and 2: your schema.prisma, and the migration.sql that builds it.
// The schema tests read schema.prisma with Prisma's own parser. The migration tests apply your
// migrations to an empty database and compare it with your schema (tools/db/drift.ts): each problem
// they print names the table, the column or index, and the line of schema.prisma it comes from.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { checkDrift, type DatamodelModel, type DriftProblem, formatDrift, readDatamodel } from '../../tools/db/drift/index.ts';
import { migrate, readMigrations } from '../../prisma/migrate.ts';
import { useDatabase } from '../../tools/testing/test-env.ts';
import { MIGRATIONS_DIR, SCHEMA_FILE } from './index.ts';

const db = useDatabase({ template: 'empty' });

const schemaText = () => readFileSync(SCHEMA_FILE, 'utf8');

function model(name: string): DatamodelModel {
  const found = readDatamodel(schemaText()).models.find((m) => m.name === name);
  expect(found, `🚨 schema.prisma should have a model ${name}`).toBeDefined();
  return found!;
}

function field(m: DatamodelModel, name: string) {
  const found = m.fields.find((f) => f.name === name);
  expect(found, `🚨 model ${m.name} should have a field ${name}`).toBeDefined();
  return found!;
}

// Applied once, on first use, so a broken migration.sql fails the migration tests, not the schema ones.
let migrated: Promise<DriftProblem[]> | undefined;
function driftAfterMigrating(): Promise<DriftProblem[]> {
  migrated ??= (async () => {
    await migrate(db.url, readMigrations(MIGRATIONS_DIR));
    return checkDrift(schemaText(), db.pool);
  })();
  return migrated;
}

async function driftOn(tables: string[]): Promise<DriftProblem[]> {
  return (await driftAfterMigrating()).filter((p) => tables.includes(p.table));
}

describe('schema.prisma', () => {
  test('Session: a uuid id, a unique token, an expiry, and a user whose deletion deletes it', () => {
    const session = model('Session');

    expect(session.dbName, 'Session should be stored in the table "sessions" (@@map)').toBe('sessions');
    const id = field(session, 'id');
    expect([id.type, id.isId, id.nativeType?.[0]], 'Session.id should be `String @id @default(uuid()) @db.Uuid`').toEqual(['String', true, 'Uuid']);
    expect(id.default, 'Session.id should default to uuid()').toMatchObject({ name: 'uuid' });
    const token = field(session, 'token');
    expect([token.type, token.isUnique, token.isRequired], 'Session.token should be a required, @unique String').toEqual(['String', true, true]);
    const expiresAt = field(session, 'expiresAt');
    expect([expiresAt.type, expiresAt.dbName, expiresAt.isRequired], 'Session.expiresAt should be a DateTime in column "expires_at"').toEqual([
      'DateTime',
      'expires_at',
      true,
    ]);
    const user = field(session, 'user');
    expect(user.relationFromFields, 'Session.user should be @relation(fields: [userId], references: [id])').toEqual(['userId']);
    expect(user.relationOnDelete, 'deleting a user should delete their sessions: onDelete: Cascade').toBe('Cascade');
    expect(field(session, 'userId').dbName, 'Session.userId should be stored in column "user_id"').toBe('user_id');
  });

  test('Session: indexes on userId and on expiresAt', () => {
    model('Session');

    const indexes = readDatamodel(schemaText())
      .indexes.filter((i) => i.model === 'Session' && i.type === 'normal')
      .map((i) => i.fields.map((f) => f.name));

    expect(indexes, 'Session needs @@index([userId]) and @@index([expiresAt])').toEqual(expect.arrayContaining([['userId'], ['expiresAt']]));
  });

  test('JobStatus: an enum "job_status", and Job.status starting as pending', () => {
    const job = model('Job');
    const jobStatus = readDatamodel(schemaText()).enums.find((e) => e.name === 'JobStatus');

    expect(jobStatus, '🚨 schema.prisma should have an enum JobStatus').toBeDefined();
    expect(jobStatus!.values.map((v) => v.name), 'JobStatus values, in this order').toEqual(['pending', 'processing', 'completed', 'failed', 'cancelled']);
    expect(jobStatus!.dbName, 'JobStatus should be the PostgreSQL type "job_status" (@@map)').toBe('job_status');
    const status = field(job, 'status');
    expect([status.kind, status.type, status.isRequired, status.default], 'Job.status should be `JobStatus @default(pending)`').toEqual([
      'enum',
      'JobStatus',
      true,
      'pending',
    ]);
  });
});

describe('migration.sql', () => {
  test('creates the sessions table, its indexes and its cascading foreign key, as the schema says', async () => {
    model('Session');

    const problems = await driftOn(['sessions']);

    expect(problems, formatDrift(problems)).toEqual([]);
  });

  test('creates the job_status enum and the jobs.status column', async () => {
    model('Job');
    expect(readDatamodel(schemaText()).enums.map((e) => e.dbName), '🚨 schema.prisma should have the enum first').toContain('job_status');

    const problems = await driftOn(['jobs', 'job_status']);

    expect(problems, formatDrift(problems)).toEqual([]);
  });

  test('creates the GIN index on events.payload with jsonb_path_ops', async () => {
    const problems = await driftOn(['events']);

    expect(problems, formatDrift(problems)).toEqual([]);
  });

  test('builds exactly what schema.prisma describes: no drift at all', async () => {
    const models = readDatamodel(schemaText()).models.map((m) => m.name);
    expect(models.sort(), 'schema.prisma should have all seven models').toEqual(['Event', 'Job', 'Post', 'Project', 'Session', 'User', 'Video']);

    const problems = await driftAfterMigrating();

    expect(problems, formatDrift(problems)).toEqual([]);
  });
});
