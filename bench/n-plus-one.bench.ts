// Lab 11 in numbers: the N+1 feed and resolvers against their fixed versions, and Prisma's two
// relation load strategies against each other, for N = 10, 100, 1000 and for a deep include.
//
//   join    relationLoadStrategy 'join': one statement (LATERAL joins + JSON aggregation in PostgreSQL)
//   query   relationLoadStrategy 'query': one statement per relation level, merged in Node
//   naive   a query per row (the N+1)
//
// Statement counts come from Prisma's query events (exact, the same on every machine); wall times
// are measured interleaved in one run (tools/bench/context.ts), so read the ratios more than the
// milliseconds. Every fixed variant is checked to return exactly what the naive one returns.
import { isDeepStrictEqual } from 'node:util';
import { createPrismaClient, type PrismaClient } from '../prisma/client.ts';
import { defineBench } from '../tools/bench/context.ts';
import { createFeedData } from '../solutions/11-n-plus-one/fixtures.ts';
import { createQueryCounter, jobCards, jobCardsJoined, jobCardsNaive, projectFeed, projectFeedNaive } from '../solutions/11-n-plus-one/index.ts';

/** Four levels: a user, their projects, every video, every job of every video (no `take`). */
const deepTree = (prisma: PrismaClient, ownerId: number, relationLoadStrategy: 'join' | 'query') =>
  prisma.user.findUnique({
    relationLoadStrategy,
    where: { id: ownerId },
    select: {
      id: true,
      name: true,
      projects: {
        orderBy: { id: 'asc' },
        select: {
          id: true,
          name: true,
          videos: {
            orderBy: { id: 'asc' },
            select: { id: true, title: true, durationMs: true, jobs: { orderBy: { id: 'asc' }, select: { id: true, kind: true, status: true, progress: true } } },
          },
        },
      },
    },
  });

export default defineBench('N+1 queries: naive loops vs include (join / query strategies) vs DataLoader', async (ctx) => {
  const prisma = createPrismaClient(ctx.services.databaseUrl, { logQueries: true });
  const counter = await createQueryCounter(prisma);
  const sizes = ctx.quick ? [10, 100] : [10, 100, 1000];
  // A naive run at N = 1000 sends 3001 statements: a few samples say enough.
  const iterations = (n: number) => (n >= 1000 ? 3 : n >= 100 ? 10 : undefined);
  const rounds = (n: number) => (n >= 1000 ? 3 : undefined);
  const counts: Array<Record<string, string | number>> = [];
  const summary: Array<Record<string, string | number>> = [];
  const same = (a: unknown, b: unknown, what: string) => {
    if (!isDeepStrictEqual(a, b)) throw new Error(`${what}: the variants return different results`);
  };
  try {
    for (const n of sizes) {
      // n projects x 2 videos, 3 jobs on two videos out of three.
      const data = await createFeedData(prisma, { email: `bench-${n}@example.com`, projects: n });
      const jobIds = data.jobIds.slice(0, n);

      const feed = {
        naive: await counter.measure(() => projectFeedNaive(prisma, data.ownerId)),
        query: await counter.measure(() => projectFeed(prisma, data.ownerId, 'query')),
        join: await counter.measure(() => projectFeed(prisma, data.ownerId, 'join')),
      };
      same(feed.naive.result, feed.query.result, `feed N=${n} (query)`);
      same(feed.naive.result, feed.join.result, `feed N=${n} (join)`);
      const cards = {
        naive: await counter.measure(() => jobCardsNaive(prisma, jobIds)),
        loader: await counter.measure(() => jobCards(prisma, jobIds)),
        join: await counter.measure(() => jobCardsJoined(prisma, jobIds)),
      };
      same(cards.naive.result, cards.loader.result, `cards N=${n} (DataLoader)`);
      same(cards.naive.result, cards.join.result, `cards N=${n} (join)`);
      const deep = {
        query: await counter.measure(() => deepTree(prisma, data.ownerId, 'query')),
        join: await counter.measure(() => deepTree(prisma, data.ownerId, 'join')),
      };
      same(deep.query.result, deep.join.result, `deep include N=${n}`);
      // Strings: counts are exact integers, not measurements to round.
      counts.push({
        N: `${n}`,
        'feed: naive': `${feed.naive.count}`,
        'feed: query': `${feed.query.count}`,
        'feed: join': `${feed.join.count}`,
        'cards: naive': `${cards.naive.count}`,
        'cards: DataLoader': `${cards.loader.count}`,
        'cards: join': `${cards.join.count}`,
        'deep: query': `${deep.query.count}`,
        'deep: join': `${deep.join.count}`,
      });

      const opts = { iterations: iterations(n), rounds: rounds(n) };
      const feedRows = await ctx.compare(
        `project feed, N = ${n} projects (${2 * n} videos)`,
        {
          [`join (${feed.join.count})`]: () => projectFeed(prisma, data.ownerId, 'join'),
          [`query (${feed.query.count})`]: () => projectFeed(prisma, data.ownerId, 'query'),
          [`naive (${feed.naive.count})`]: () => projectFeedNaive(prisma, data.ownerId),
        },
        opts,
      );
      const cardRows = await ctx.compare(
        `job cards, N = ${n} jobs`,
        {
          [`join (${cards.join.count})`]: () => jobCardsJoined(prisma, jobIds),
          [`DataLoader (${cards.loader.count})`]: () => jobCards(prisma, jobIds),
          [`naive resolvers (${cards.naive.count})`]: () => jobCardsNaive(prisma, jobIds),
        },
        opts,
      );
      const deepRows = await ctx.compare(
        `deep include (user > projects > videos > every job), N = ${n} projects`,
        {
          [`join (${deep.join.count})`]: () => deepTree(prisma, data.ownerId, 'join'),
          [`query (${deep.query.count})`]: () => deepTree(prisma, data.ownerId, 'query'),
        },
        { rounds: rounds(n) },
      );
      const ratio = (rows: typeof feedRows, i: number) => `${rows[i]!.ratio.toFixed(2)}x [${rows[i]!.ratioMin.toFixed(2)}-${rows[i]!.ratioMax.toFixed(2)}]`;
      summary.push({ N: `${n}`, 'feed: query / join': ratio(feedRows, 1), 'cards: DataLoader / join': ratio(cardRows, 1), 'deep: query / join': ratio(deepRows, 1) });
    }
    ctx.table('statements per call (Prisma query events)', counts);
    ctx.table('p50 of the per-level or batched strategy / p50 of join (above 1: join wins)', summary);
  } finally {
    counter.close();
    await prisma.$disconnect();
  }
});
