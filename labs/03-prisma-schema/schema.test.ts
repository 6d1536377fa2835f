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
import { say } from '../../tools/testing/say.ts';

const db = useDatabase({ template: 'empty' });

const schemaText = () => readFileSync(SCHEMA_FILE, 'utf8');

function model(name: string): DatamodelModel {
  const found = readDatamodel(schemaText()).models.find((m) => m.name === name);
  expect(found, say({ en: `🚨 schema.prisma should have a model ${name}`, ko: `🚨 schema.prisma에 ${name} 모델이 있어야 합니다` })).toBeDefined();
  return found!;
}

function field(m: DatamodelModel, name: string) {
  const found = m.fields.find((f) => f.name === name);
  expect(found, say({ en: `🚨 model ${m.name} should have a field ${name}`, ko: `🚨 ${m.name} 모델에 ${name} 필드가 있어야 합니다` })).toBeDefined();
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

    expect(session.dbName, say({ en: 'Session should be stored in the table "sessions" (@@map)', ko: 'Session은 "sessions" 테이블에 저장되어야 합니다(@@map)' })).toBe('sessions');
    const id = field(session, 'id');
    expect([id.type, id.isId, id.nativeType?.[0]], say({ en: 'Session.id should be `String @id @default(uuid()) @db.Uuid`', ko: 'Session.id는 `String @id @default(uuid()) @db.Uuid`여야 합니다' })).toEqual(['String', true, 'Uuid']);
    expect(id.default, say({ en: 'Session.id should default to uuid()', ko: 'Session.id의 기본값은 uuid()여야 합니다' })).toMatchObject({ name: 'uuid' });
    const token = field(session, 'token');
    expect([token.type, token.isUnique, token.isRequired], say({ en: 'Session.token should be a required, @unique String', ko: 'Session.token은 필수이고 @unique인 String이어야 합니다' })).toEqual(['String', true, true]);
    const expiresAt = field(session, 'expiresAt');
    expect([expiresAt.type, expiresAt.dbName, expiresAt.isRequired], say({ en: 'Session.expiresAt should be a DateTime in column "expires_at"', ko: 'Session.expiresAt은 "expires_at" 컬럼에 저장되는 DateTime이어야 합니다' })).toEqual([
      'DateTime',
      'expires_at',
      true,
    ]);
    const user = field(session, 'user');
    expect(user.relationFromFields, say({ en: 'Session.user should be @relation(fields: [userId], references: [id])', ko: 'Session.user는 @relation(fields: [userId], references: [id])여야 합니다' })).toEqual(['userId']);
    expect(user.relationOnDelete, say({ en: 'deleting a user should delete their sessions: onDelete: Cascade', ko: '사용자를 지우면 그 세션도 지워져야 합니다: onDelete: Cascade' })).toBe('Cascade');
    expect(field(session, 'userId').dbName, say({ en: 'Session.userId should be stored in column "user_id"', ko: 'Session.userId는 "user_id" 컬럼에 저장되어야 합니다' })).toBe('user_id');
  });

  test('Session: indexes on userId and on expiresAt', () => {
    model('Session');

    const indexes = readDatamodel(schemaText())
      .indexes.filter((i) => i.model === 'Session' && i.type === 'normal')
      .map((i) => i.fields.map((f) => f.name));

    expect(indexes, say({ en: 'Session needs @@index([userId]) and @@index([expiresAt])', ko: 'Session에는 @@index([userId])와 @@index([expiresAt])가 필요합니다' })).toEqual(expect.arrayContaining([['userId'], ['expiresAt']]));
  });

  test('JobStatus: an enum "job_status", and Job.status starting as pending', () => {
    const job = model('Job');
    const jobStatus = readDatamodel(schemaText()).enums.find((e) => e.name === 'JobStatus');

    expect(jobStatus, say({ en: '🚨 schema.prisma should have an enum JobStatus', ko: '🚨 schema.prisma에 JobStatus enum이 있어야 합니다' })).toBeDefined();
    expect(jobStatus!.values.map((v) => v.name), say({ en: 'JobStatus values, in this order', ko: 'JobStatus 값은 이 순서여야 합니다' })).toEqual(['pending', 'processing', 'completed', 'failed', 'cancelled']);
    expect(jobStatus!.dbName, say({ en: 'JobStatus should be the PostgreSQL type "job_status" (@@map)', ko: 'JobStatus는 PostgreSQL 타입 "job_status"여야 합니다(@@map)' })).toBe('job_status');
    const status = field(job, 'status');
    expect([status.kind, status.type, status.isRequired, status.default], say({ en: 'Job.status should be `JobStatus @default(pending)`', ko: 'Job.status는 `JobStatus @default(pending)`이어야 합니다' })).toEqual([
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
    expect(readDatamodel(schemaText()).enums.map((e) => e.dbName), say({ en: '🚨 schema.prisma should have the enum first', ko: '🚨 schema.prisma에 enum부터 있어야 합니다' })).toContain('job_status');

    const problems = await driftOn(['jobs', 'job_status']);

    expect(problems, formatDrift(problems)).toEqual([]);
  });

  test('creates the GIN index on events.payload with jsonb_path_ops', async () => {
    const problems = await driftOn(['events']);

    expect(problems, formatDrift(problems)).toEqual([]);
  });

  test('builds exactly what schema.prisma describes: no drift at all', async () => {
    const models = readDatamodel(schemaText()).models.map((m) => m.name);
    expect(models.sort(), say({ en: 'schema.prisma should have all seven models', ko: 'schema.prisma에 일곱 모델이 모두 있어야 합니다' })).toEqual(['Event', 'Job', 'Post', 'Project', 'Session', 'User', 'Video']);

    const problems = await driftAfterMigrating();

    expect(problems, formatDrift(problems)).toEqual([]);
  });
});
