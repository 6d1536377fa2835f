// What does the cache-aside pattern cost on a hit, layer by layer, and what does it save on a read?
//
//   raw GET                one Redis round trip, nothing else: the floor for any Redis-backed cache
//   + deadline             the same GET, bounded by withDeadline (one shared ticking timer, deadline.ts)
//   + decode               and its entry decoded: a "not found" by one string comparison, a value by
//                          JSON.parse and the entry schema, compiled by z.compile (shape checked,
//                          dates and bigint revived)
//   cache-aside hit        VideoStore.get on a cached video, as shipped: the above, the counters and
//                          the refresh-ahead check of the entry's expiresAt
//   was: + PTTL            "+ decode" with the remaining TTL asked of Redis in the same round trip:
//                          how the hit read it before entries carried their expiry (cache key v1)
//   was: + single-flight   "+ decode" shared per key through SingleFlight on every call: what the
//                          hit did before single-flight moved to the miss path
//   was: + decode, schema not compiled   "+ decode" through the same schema as a plain z.object
//
// Then, in a comparison of its own, the hit against a database read (prisma.video.findUnique): what
// every request would cost without the cache. Not in the layer table: a Redis call made right after
// a Prisma read took twice as long (p50 61-71 us against 30-37 us), so with the read interleaved a
// fifth of every layer's calls fell into that second mode, and each layer's p50 sat on the edge
// between the two, where a 1 us difference moved it by 5.
//
// The tasks of a comparison run interleaved call by call (tools/bench/context.ts), so a ratio
// compares calls made under the same load. The ratio of "cache-aside hit" to "raw GET" is the price
// of the pattern's safety features (lesson 06, step 7).
import { createClient } from 'redis';
import { z } from 'zod';
import { defineBench } from '../tools/bench/context.ts';
import { createPrismaClient } from '../prisma/client.ts';
import type { RedisClient } from '../solutions/05-redis-structures/index.ts';
import {
  Cache,
  CachedVideo,
  cacheKeys,
  decodeEntry,
  entrySchema,
  prismaVideoSource,
  RedisTimeoutError,
  SingleFlight,
  VideoStore,
  withDeadline,
} from '../solutions/06-redis-caching/index.ts';

export default defineBench('cache-aside hit vs database read vs raw Redis GET', async (ctx) => {
  const prisma = createPrismaClient(ctx.services.databaseUrl);
  const client = createClient({ url: ctx.services.redisUrl }) as RedisClient;
  client.on('error', () => {});
  await client.connect();
  const cache = new Cache(client, { schema: CachedVideo }); // the app's settings (solutions/app/app.ts)
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

    // The layers, rebuilt from lab 06's own pieces (the Cache's hit path is private).
    const schema = entrySchema(CachedVideo);
    const timedOut = () => new RedisTimeoutError(250);
    const bounded = () => withDeadline(client.get(key), 250, timedOut);
    const decoded = async () => {
      const text = await bounded();
      return text === null ? null : decodeEntry(text, schema);
    };
    const withPttl = async () => {
      const [text] = await withDeadline(Promise.all([client.get(key), client.pTTL(key)]), 250, timedOut);
      return text === null ? null : decodeEntry(text, schema);
    };
    const flights = new SingleFlight<unknown>();
    const plainSchema = z.object({ found: z.literal(true), expiresAt: z.number(), value: CachedVideo });
    const decodedPlain = async () => {
      const text = await bounded();
      return text === null ? null : decodeEntry(text, plainSchema);
    };

    const rows = await ctx.compare(
      'one read of a video, layer by layer',
      {
        'raw Redis GET': () => client.get(key),
        '+ deadline (withDeadline)': bounded,
        '+ decode (entry schema)': decoded,
        'cache-aside hit (VideoStore.get)': () => videos.get(video.id),
        'was: + PTTL in the same round trip': withPttl,
        'was: + single-flight on every call': () => flights.do(key, decoded),
        'was: + decode, schema not compiled': decodedPlain,
      },
      { baseline: 'raw Redis GET' },
    );
    const saved = await ctx.compare(
      'a hit against the database read it saves',
      {
        'cache-aside hit (VideoStore.get)': () => videos.get(video.id),
        'database read (Prisma findUnique)': () => prisma.video.findUnique({ where: { id: video.id } }),
      },
      { baseline: 'cache-aside hit (VideoStore.get)' },
    );

    // 1,000 concurrent misses on one key: how many database reads? (Goal: 1, by single-flight in a
    // process and the Redis lock across processes; a second Cache on its own connection stands for
    // a second process, as in lab 06's stampede test.)
    let reads = 0;
    const counting = prismaVideoSource(prisma);
    const countedSource = {
      ...counting,
      findById: (id: number) => {
        reads++;
        return counting.findById(id);
      },
    };
    const other = client.duplicate();
    other.on('error', () => {});
    await other.connect();
    const stampede: Array<Record<string, string>> = [];
    try {
      for (const processes of [1, 2]) {
        const caches = [cache, new Cache(other, { schema: CachedVideo })].slice(0, processes);
        const stores = caches.map((c) => new VideoStore(c, keys, countedSource));
        await cache.invalidate(key);
        reads = 0;
        const started = performance.now();
        const results = await Promise.all(Array.from({ length: 1000 }, (_, i) => stores[i % stores.length]!.get(video.id)));
        const ms = performance.now() - started;
        if (!results.every((v) => v?.id === video.id)) throw new Error('stampede: a request did not get the video');
        stampede.push({ 'cache instances (processes)': String(processes), 'concurrent gets': '1000', 'database reads (goal: 1)': String(reads), 'all served in ms': ms.toFixed(1) });
        if (processes === 2) await caches[1]!.close();
      }
    } finally {
      other.destroy();
    }
    ctx.table('1,000 concurrent misses on one key', stampede);

    const hit = rows.find((r) => r.task === 'cache-aside hit (VideoStore.get)')!;
    const db = saved.find((r) => r.task === 'database read (Prisma findUnique)')!;
    const stats = cache.stats();
    ctx.table('what the numbers say', [
      { measure: 'cache-aside hit / raw GET (cost of the pattern; goal <= 1.2x)', value: `${hit.ratio.toFixed(2)}x [${hit.ratioMin.toFixed(2)}-${hit.ratioMax.toFixed(2)}]` },
      { measure: 'database read / cache-aside hit (what a hit saves)', value: `${db.ratio.toFixed(2)}x [${db.ratioMin.toFixed(2)}-${db.ratioMax.toFixed(2)}]` },
      { measure: 'misses of the first cache (1 warm-up + the stampede rows)', value: String(stats.misses) },
    ]);
  } finally {
    await cache.close();
    client.destroy();
    await prisma.$disconnect();
  }
});
