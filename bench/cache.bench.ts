// What does the cache-aside pattern cost on a hit, and what does it save on a read?
//
//   raw GET           one Redis round trip, nothing else: the floor for any Redis-backed cache
//   cache-aside hit   VideoStore.get on a cached video: single-flight, GET + PTTL in one round
//                     trip, JSON parse, schema validation (dates, bigint revived), counters
//   database read     prisma.video.findUnique: what every request would cost without the cache
//
// The ratio of "cache-aside hit" to "raw GET" is the price of the pattern's safety features.
import { createClient } from 'redis';
import { defineBench } from '../tools/bench/context.ts';
import { createPrismaClient } from '../prisma/client.ts';
import type { RedisClient } from '../solutions/05-redis-structures/index.ts';
import { Cache, CachedVideo, cacheKeys, prismaVideoSource, VideoStore } from '../solutions/06-redis-caching/index.ts';

export default defineBench('cache-aside hit vs database read vs raw Redis GET', async (ctx) => {
  const prisma = createPrismaClient(ctx.services.databaseUrl);
  const client = createClient({ url: ctx.services.redisUrl }) as RedisClient;
  client.on('error', () => {});
  await client.connect();
  const cache = new Cache(client, { schema: CachedVideo, refreshBelow: 0 });
  try {
    const owner = await prisma.user.create({ data: { email: 'bench@example.test', name: 'Bench', passwordHash: 'x' } });
    const project = await prisma.project.create({ data: { ownerId: owner.id, name: 'bench' } });
    const video = await prisma.video.create({
      data: { projectId: project.id, title: 'bench.mp4', sourcePath: '/media/bench.mp4', durationMs: 61_000, width: 1920, height: 1080, codec: 'h264', sizeBytes: 52_428_800n },
    });
    const keys = cacheKeys(ctx.services.redisPrefix);
    const videos = new VideoStore(cache, keys, prismaVideoSource(prisma));
    await videos.get(video.id); // warm: every measured call below is a hit
    const key = keys.video(video.id);

    const rows = await ctx.compare(
      'one read of a video',
      {
        'raw Redis GET': () => client.get(key),
        'cache-aside hit': () => videos.get(video.id),
        'database read (Prisma findUnique)': () => prisma.video.findUnique({ where: { id: video.id } }),
      },
      { baseline: 'raw Redis GET' },
    );

    const p50 = (task: string) => rows.find((r) => r.task === task)!.p50Ms;
    const stats = cache.stats();
    ctx.table('what the numbers say', [
      { measure: 'cache-aside hit / raw GET (cost of the pattern)', value: `${(p50('cache-aside hit') / p50('raw Redis GET')).toFixed(2)}x` },
      { measure: 'database read / cache-aside hit (what a hit saves)', value: `${(p50('database read (Prisma findUnique)') / p50('cache-aside hit')).toFixed(2)}x` },
      { measure: 'cache misses during the run (expect 1: the warm-up)', value: String(stats.misses) },
      { measure: 'cache hits during the run', value: String(stats.hits) },
    ]);
  } finally {
    await cache.close();
    client.destroy();
    await prisma.$disconnect();
  }
});
