// The app's hot reads through Prisma next to the same SQL through `pg` as named prepared
// statements (parsed and planned once per connection, then only bound and executed): what the
// ORM layer costs per call. Both sides return the same rows; calls are interleaved.
//
//   session by token   every WebSocket handshake and API request with a bearer token (lab 07's
//                      session check, before its Redis cache is warm)
//   video by id        a cache miss of lab 06's VideoStore (prismaVideoSource)
//   dashboard tree     GET /api/projects (solutions/app/queries.ts listProjects, 'join' strategy)
import pg from 'pg';
import { createPrismaClient } from '../prisma/client.ts';
import { defineBench } from '../tools/bench/context.ts';
import { prismaVideoSource } from '../solutions/06-redis-caching/index.ts';
import { listProjects } from '../solutions/app/queries.ts';

export default defineBench('Prisma vs pg prepared statements on the app\'s hot reads', async (ctx) => {
  const prisma = createPrismaClient(ctx.services.databaseUrl);
  const pool = new pg.Pool({ connectionString: ctx.services.databaseUrl, max: 1 });
  try {
    const owner = await prisma.user.create({ data: { email: 'reads@example.test', name: 'Reads', passwordHash: 'x' } });
    const session = await prisma.session.create({ data: { token: 'bench-token-0123456789', userId: owner.id, expiresAt: new Date(Date.now() + 3_600_000) } });
    const projects = await prisma.project.createManyAndReturn({ data: Array.from({ length: 5 }, (_, i) => ({ ownerId: owner.id, name: `p${i}` })), select: { id: true } });
    const videos = await prisma.video.createManyAndReturn({
      data: projects.flatMap((p) => [1, 2, 3].map((v) => ({ projectId: p.id, title: `v${v}.mp4`, sourcePath: `m/${p.id}/${v}.mp4`, durationMs: 61_000, sizeBytes: 5_000_000n }))),
      select: { id: true },
    });
    await prisma.job.createMany({ data: videos.map((v) => ({ videoId: v.id, ownerId: owner.id, kind: 'thumbnail' })) });
    const videoId = videos[0]!.id;
    const videoSource = prismaVideoSource(prisma);

    await ctx.compare(
      'session by token',
      {
        'pg prepared': () =>
          pool.query({ name: 'session-by-token', text: 'SELECT user_id, expires_at FROM sessions WHERE token = $1', values: [session.token] }),
        Prisma: () => prisma.session.findUnique({ where: { token: session.token }, select: { userId: true, expiresAt: true } }),
      },
      { baseline: 'pg prepared' },
    );
    await ctx.compare(
      'video by id (a cache miss)',
      {
        'pg prepared': () =>
          pool.query({
            name: 'video-by-id',
            text: 'SELECT id, project_id, title, duration_ms, width, height, codec, size_bytes, updated_at FROM videos WHERE id = $1',
            values: [videoId],
          }),
        Prisma: () => videoSource.findById(videoId),
      },
      { baseline: 'pg prepared' },
    );
    // The same tree as listProjects, built by PostgreSQL in one statement (what 'join' sends, by hand).
    const tree = `
      SELECT p.id, p.name, COALESCE(v.videos, '[]') AS videos
        FROM projects p
        LEFT JOIN LATERAL (
          SELECT json_agg(json_build_object('id', v.id, 'projectId', v.project_id, 'title', v.title, 'durationMs', v.duration_ms,
                   'width', v.width, 'height', v.height, 'codec', v.codec, 'sizeBytes', v.size_bytes::text, 'updatedAt', v.updated_at,
                   'jobs', COALESCE(j.jobs, '[]')) ORDER BY v.id) AS videos
            FROM videos v
            LEFT JOIN LATERAL (
              SELECT json_agg(json_build_object('id', j.id, 'kind', j.kind, 'status', j.status, 'progress', j.progress,
                       'version', j.version, 'error', j.error, 'updatedAt', j.updated_at) ORDER BY j.id) AS jobs
                FROM jobs j WHERE j.video_id = v.id) j ON true
           WHERE v.project_id = p.id) v ON true
       WHERE p.owner_id = $1
       ORDER BY p.id`;
    await ctx.compare(
      'dashboard tree (5 projects, 15 videos, 15 jobs)',
      {
        'pg prepared': () => pool.query({ name: 'dashboard-tree', text: tree, values: [owner.id] }),
        'Prisma listProjects': () => listProjects(prisma, owner.id),
      },
      { baseline: 'pg prepared' },
    );
  } finally {
    await pool.end();
    await prisma.$disconnect();
  }
});
