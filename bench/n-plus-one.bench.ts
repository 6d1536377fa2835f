// Lab 11 in numbers: the N+1 feed and resolvers against their fixed versions, for N = 10, 100, 1000.
// Query counts come from Prisma's query events (exact, the same on every machine); wall times are
// measured side by side in one run, so read the ratio more than the milliseconds.
import { createPrismaClient } from '../prisma/client.ts';
import { defineBench } from '../tools/bench/context.ts';
import { createFeedData } from '../solutions/11-n-plus-one/fixtures.ts';
import { createQueryCounter, jobCards, jobCardsNaive, projectFeed, projectFeedNaive } from '../solutions/11-n-plus-one/index.ts';

export default defineBench('N+1 queries: naive loops vs include / DataLoader', async (ctx) => {
  const prisma = createPrismaClient(ctx.services.databaseUrl, { logQueries: true });
  const counter = await createQueryCounter(prisma);
  const sizes = ctx.quick ? [10, 100] : [10, 100, 1000];
  // A naive run at N = 1000 sends 3001 statements: a few samples say enough.
  const iterations = (n: number) => (n >= 1000 ? 5 : n >= 100 ? 16 : undefined);
  const feedCounts: Array<Record<string, string | number>> = [];
  const cardCounts: Array<Record<string, string | number>> = [];
  try {
    for (const n of sizes) {
      // Feed: n projects x 2 videos, 3 jobs on two videos out of three.
      const data = await createFeedData(prisma, { email: `bench-${n}@example.com`, projects: n });
      const jobIds = data.jobIds.slice(0, n);

      const naiveFeed = await counter.measure(() => projectFeedNaive(prisma, data.ownerId));
      const fixedFeed = await counter.measure(() => projectFeed(prisma, data.ownerId));
      if (JSON.stringify(naiveFeed.result) !== JSON.stringify(fixedFeed.result)) throw new Error(`feeds differ at N = ${n}`);
      // Strings: counts are exact integers, not measurements to round.
      feedCounts.push({
        'N projects': `${n}`,
        videos: `${data.videoIds.length}`,
        'naive queries': `${naiveFeed.count}`,
        'include queries': `${fixedFeed.count}`,
      });

      const naiveCards = await counter.measure(() => jobCardsNaive(prisma, jobIds));
      const batchedCards = await counter.measure(() => jobCards(prisma, jobIds));
      cardCounts.push({ 'N jobs': `${n}`, 'naive queries': `${naiveCards.count}`, 'DataLoader queries': `${batchedCards.count}` });

      await ctx.compare(
        `project feed, N = ${n} projects`,
        {
          'include (3 queries)': () => projectFeed(prisma, data.ownerId),
          [`naive (${naiveFeed.count} queries)`]: () => projectFeedNaive(prisma, data.ownerId),
        },
        { baseline: 'include (3 queries)', iterations: iterations(n) },
      );
      await ctx.compare(
        `job cards, N = ${n} jobs`,
        {
          [`DataLoader (${batchedCards.count} queries)`]: () => jobCards(prisma, jobIds),
          [`naive resolvers (${naiveCards.count} queries)`]: () => jobCardsNaive(prisma, jobIds),
        },
        { baseline: `DataLoader (${batchedCards.count} queries)`, iterations: iterations(n) },
      );
    }
    ctx.table('queries per project feed (Prisma query events)', feedCounts);
    ctx.table('queries per page of job cards (Prisma query events)', cardCounts);
  } finally {
    counter.close();
    await prisma.$disconnect();
  }
});
