// Lab 03, part 3: the seed (seed.ts). It runs on the project's real schema (prisma/schema.prisma,
// migrated by the harness), like `npm run db:seed` does.
import { beforeEach, describe, expect, test } from 'vitest';
import { useDatabase } from '../../tools/testing/test-env.ts';
import { seedDemo } from './index.ts';
import { say } from '../../tools/testing/say.ts';

const db = useDatabase();

const TABLES = ['users', 'projects', 'videos', 'jobs', 'posts', 'events'] as const;

/** Every row of every table, ids included; updated_at left out (@updatedAt moves on every update). */
async function snapshot() {
  const result: Record<string, unknown[]> = {};
  for (const table of TABLES) {
    const { rows } = await db.pool.query(`SELECT * FROM "${table}" ORDER BY id`);
    result[table] = rows.map(({ updated_at: _ignored, ...row }) => row);
  }
  return result;
}

/** The demo content without ids, so rows that were deleted and put back compare equal. */
async function demoContent() {
  const { rows } = await db.pool.query(`
    SELECT u.email, u.name, p.name AS project, v.title, v.source_path, v.duration_ms, v.size_bytes, v.metadata,
           j.kind, j.status, j.progress, j.attempts, j.error
      FROM users u JOIN projects p ON p.owner_id = u.id JOIN videos v ON v.project_id = p.id
      LEFT JOIN jobs j ON j.video_id = v.id
     WHERE u.email = 'demo@video-editor.dev'
     ORDER BY v.source_path, j.kind`);
  return rows;
}

beforeEach(async () => {
  // DELETE, not TRUNCATE: on a handful of rows it is many times faster. The foreign keys take
  // projects, videos, jobs, posts and sessions along; events only lose their user (SET NULL).
  await db.pool.query('DELETE FROM users; DELETE FROM events;');
});

describe('seedDemo', () => {
  test('creates the demo user, the "demo" project, three videos and jobs in all five statuses', async () => {
    const summary = await seedDemo(db.prisma);

    const user = await db.prisma.user.findUniqueOrThrow({ where: { email: 'demo@video-editor.dev' } });
    expect(user.name, say({ en: 'the demo user should be named "Demo Editor" (seed-data.ts)', ko: '데모 사용자의 이름은 "Demo Editor"여야 합니다(seed-data.ts)' })).toBe('Demo Editor');
    expect(user.passwordHash, say({ en: 'store a hash, never the password itself', ko: '비밀번호 자체가 아니라 해시를 저장하세요' })).toMatch(/^scrypt\$/);
    const project = await db.prisma.project.findUniqueOrThrow({ where: { ownerId_name: { ownerId: user.id, name: 'demo' } } });
    const videos = await db.prisma.video.findMany({ where: { projectId: project.id }, orderBy: { sourcePath: 'asc' } });
    expect(videos.map((v) => [v.sourcePath, v.sizeBytes]), say({ en: 'the "demo" project should hold the three videos of seed-data.ts, sizes as BigInt', ko: '"demo" 프로젝트에는 seed-data.ts의 영상 세 개가 크기(BigInt)와 함께 있어야 합니다' })).toEqual([
      ['media/demo/broken.mp4', 1_024n],
      ['media/demo/interview.mov', 3_221_225_472n],
      ['media/demo/intro.mp4', 8_421_376n],
    ]);
    const jobs = await db.prisma.job.findMany({ orderBy: { status: 'asc' } });
    expect(jobs.map((j) => j.status), say({ en: 'one job in each status', ko: '상태마다 작업이 하나씩 있어야 합니다' })).toEqual(['pending', 'processing', 'completed', 'failed', 'cancelled']);
    expect(new Set(jobs.map((j) => j.ownerId)), say({ en: 'every job belongs to the demo user', ko: '모든 작업의 주인은 데모 사용자여야 합니다' })).toEqual(new Set([user.id]));
    expect(await db.prisma.post.count({ where: { authorId: user.id } }), say({ en: 'the demo user should have two posts', ko: '데모 사용자의 글은 두 개여야 합니다' })).toBe(2);
    expect(await db.prisma.event.count({ where: { userId: user.id, type: 'user.seeded' } }), say({ en: 'one "user.seeded" event for the demo user', ko: '데모 사용자의 "user.seeded" 이벤트는 하나여야 합니다' })).toBe(1);
    expect(summary, say({ en: 'seedDemo should return the ids it seeded and how many rows of each kind exist', ko: 'seedDemo는 시드한 id와 종류별 행 수를 돌려줘야 합니다' })).toEqual({ userId: user.id, projectId: project.id, videos: 3, jobs: 5, posts: 2, events: 1 });
  });

  test('is idempotent: a second run leaves every row as it was, ids included', async () => {
    await seedDemo(db.prisma);
    const first = await snapshot();

    await seedDemo(db.prisma);

    expect(await snapshot(), say({ en: 'the second seed run should find every row and add none', ko: '두 번째 시드 실행은 모든 행을 찾고 아무것도 더하지 않아야 합니다' })).toEqual(first);
  });

  test('puts back what was deleted or changed, and keeps a password the user changed', async () => {
    await seedDemo(db.prisma);
    const expected = await demoContent();
    await db.pool.query(`DELETE FROM videos WHERE source_path = 'media/demo/intro.mp4'`); // and its jobs (cascade)
    await db.pool.query(`UPDATE jobs SET status = 'completed', progress = 100 WHERE kind = 'probe'`);
    await db.pool.query(`UPDATE users SET name = 'Renamed', password_hash = 'changed-by-the-user'`);

    await seedDemo(db.prisma);

    expect(await demoContent(), say({ en: 'the seed should bring back the deleted video and its jobs, and reset the changed job', ko: '시드는 지워진 영상과 그 작업을 되살리고, 바뀐 작업을 되돌려야 합니다' })).toEqual(expected);
    const { rows } = await db.pool.query(`SELECT name, password_hash FROM users`);
    expect(rows, say({ en: 'upsert should reset the name but leave the password hash alone', ko: 'upsert는 이름은 되돌리되 비밀번호 해시는 그대로 두어야 합니다' })).toEqual([
      { name: 'Demo Editor', password_hash: 'changed-by-the-user' },
    ]);
  });

  test("leaves another user's project called \"demo\" alone", async () => {
    const ana = await db.prisma.user.create({ data: { email: 'ana@example.com', name: 'Ana', passwordHash: 'x' } });
    const project = await db.prisma.project.create({ data: { ownerId: ana.id, name: 'demo' } });
    const video = await db.prisma.video.create({ data: { projectId: project.id, title: 'Mine', sourcePath: 'media/demo/intro.mp4' } });
    await db.prisma.job.create({ data: { videoId: video.id, ownerId: ana.id, kind: 'transcode-720p' } });
    const before = await snapshot();

    await seedDemo(db.prisma);

    const after = await snapshot();
    for (const table of ['users', 'projects', 'videos', 'jobs'] as const) {
      expect(after[table]!.slice(0, before[table]!.length), say({ en: `Ana's ${table} should not change: find demo rows by the demo user's keys`, ko: `Ana의 ${table}은(는) 바뀌면 안 됩니다: 데모 행은 데모 사용자의 키로 찾으세요` })).toEqual(
        before[table],
      );
    }
    expect(await db.prisma.video.count(), say({ en: "Ana's video plus the three demo videos", ko: 'Ana의 영상 하나와 데모 영상 세 개여야 합니다' })).toBe(4);
  });
});
