// Lab 11, step 2: the project feed in a fixed number of queries (feed.ts).
// These tests count queries themselves (not with your counter), so this step does not depend on step 1.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createPrismaClient } from '../../prisma/client.ts';
import { useDatabase } from '../../tools/testing/test-env.ts';
import { createFeedData } from './fixtures.ts';
import { projectFeed, projectFeedNaive } from './index.ts';

const db = useDatabase();
let prisma: ReturnType<typeof createPrismaClient>;
let sent = 0;

/** Runs fn and counts the statements it sent. */
async function measure<T>(fn: () => Promise<T>): Promise<{ result: T; count: number }> {
  const before = sent;
  const result = await fn();
  return { result, count: sent - before };
}

beforeAll(() => {
  prisma = createPrismaClient(db.url, { logQueries: true });
  prisma.$on('query', () => sent++);
});

afterAll(async () => {
  await prisma.$disconnect();
});

describe('projectFeed', () => {
  test('lists the owner\'s projects, their videos and each video\'s latest job (or null)', async () => {
    const { ownerId } = await createFeedData(db.prisma, { email: 'feed@example.com', projects: 2 });
    await createFeedData(db.prisma, { email: 'someone-else@example.com', projects: 1 });
    await db.prisma.project.create({ data: { ownerId, name: 'empty project' } });

    const feed = await projectFeed(prisma, ownerId);

    expect(feed.map((p) => p.name), "this owner's projects only, by id").toEqual(['project 1', 'project 2', 'empty project']);
    expect(feed.map((p) => p.videos.map((v) => v.title))).toEqual([['clip 1.1', 'clip 1.2'], ['clip 2.1', 'clip 2.2'], []]);
    expect(
      feed.map((p) => p.videos.map((v) => v.latestJob?.kind ?? null)),
      'latest = newest createdAt, then highest id ("step-1" and "step-2" share a timestamp); no job = null',
    ).toEqual([['step-2', 'step-2'], [null, 'step-2'], []]);
    expect(Object.keys(feed[0]!.videos[0]!).sort(), 'a video has latestJob, not a jobs array').toEqual(['durationMs', 'id', 'latestJob', 'title']);
  });

  test.each([1, 10, 100])('N = %i projects: the same feed as the naive version, in at most 3 queries', async (n) => {
    const { ownerId } = await createFeedData(db.prisma, { email: `owner-${n}@example.com`, projects: n });

    const naive = await measure(() => projectFeedNaive(prisma, ownerId));
    const fixed = await measure(() => projectFeed(prisma, ownerId));

    expect(fixed.result, 'projectFeed must return exactly what projectFeedNaive returns').toEqual(naive.result);
    expect(naive.count, 'the naive feed: 1 query + 1 per project + 1 per video').toBe(1 + n + 2 * n);
    expect(fixed.count, 'query budget: nest the relations in one findMany instead of looping').toBeLessThanOrEqual(3);
  });
});
