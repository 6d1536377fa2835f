// Lab 11, step 3: resolver-style lookups batched with DataLoader (loaders.ts, used by job-cards.ts).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createPrismaClient } from '../../prisma/client.ts';
import { useDatabase } from '../../tools/testing/test-env.ts';
import { createFeedData, type FeedData } from './fixtures.ts';
import { byId, jobCards, jobCardsNaive } from './index.ts';
import { say } from '../../tools/testing/say.ts';

const db = useDatabase();
let prisma: ReturnType<typeof createPrismaClient>;
let data: FeedData;
let sent = 0;

async function measure<T>(fn: () => Promise<T>): Promise<{ result: T; count: number }> {
  const before = sent;
  const result = await fn();
  return { result, count: sent - before };
}

beforeAll(async () => {
  prisma = createPrismaClient(db.url, { logQueries: true });
  prisma.$on('query', () => sent++);
  // 50 projects x 2 videos, 3 jobs on two videos out of three: 198 jobs.
  data = await createFeedData(db.prisma, { email: 'cards@example.com', projects: 50 });
});

afterAll(async () => {
  await prisma.$disconnect();
});

describe('byId', () => {
  test('returns one entry per key, in the order of the keys, null where no row matched', () => {
    const rows = [{ id: 1, name: 'a' }, { id: 3, name: 'c' }];

    expect(byId([3, 1, 3, 9], rows)).toEqual([{ id: 3, name: 'c' }, { id: 1, name: 'a' }, { id: 3, name: 'c' }, null]);
    expect(byId([], rows)).toEqual([]);
  });
});

describe('jobCards with DataLoader', () => {
  test.each([1, 10, 100])('N = %i jobs: the same cards as the naive resolvers, in at most 3 queries', async (n) => {
    const ids = data.jobIds.slice(0, n).reverse(); // asked newest first: the cards must follow that order

    const naive = await measure(() => jobCardsNaive(prisma, ids));
    const batched = await measure(() => jobCards(prisma, ids));

    expect(batched.result, say({ en: 'jobCards must return exactly what jobCardsNaive returns', ko: 'jobCards는 jobCardsNaive와 정확히 같은 것을 돌려줘야 합니다' })).toEqual(naive.result);
    expect(batched.result.map((c) => c.id)).toEqual(ids);
    expect(naive.count, say({ en: 'the naive resolvers: 1 query for the jobs + 2 per job', ko: '순진한 리졸버: 작업 쿼리 1개 + 작업마다 2개' })).toBe(1 + 2 * n);
    expect(batched.count, say({ en: 'query budget: jobs + one batch of users + one batch of videos', ko: '쿼리 예산: 작업 + 사용자 배치 하나 + 영상 배치 하나' })).toBeLessThanOrEqual(3);
  });

  test('a job asked twice gives two cards; an unknown job id gives none', async () => {
    const [a, b] = data.jobIds;
    const missing = data.jobIds.at(-1)! + 1000;

    const { result, count } = await measure(() => jobCards(prisma, [a!, missing, b!, a!]));

    expect(result.map((c) => c.id)).toEqual([a, b, a]);
    expect(result.map((c) => c.owner), say({ en: 'each card carries its owner', ko: '카드마다 주인이 들어 있어야 합니다' })).toEqual([
      { id: data.ownerId, name: 'cards' },
      { id: data.ownerId, name: 'cards' },
      { id: data.ownerId, name: 'cards' },
    ]);
    expect(count).toBeLessThanOrEqual(3);
  });

  test('loaders live for one call: a user renamed between two calls shows the new name', async () => {
    const own = await createFeedData(db.prisma, { email: 'rename@example.com', projects: 1 });
    const first = await jobCards(prisma, own.jobIds);
    await db.prisma.user.update({ where: { id: own.ownerId }, data: { name: 'renamed' } });

    const second = await jobCards(prisma, own.jobIds);

    expect(first[0]!.owner?.name).toBe('rename');
    expect(second[0]!.owner?.name, say({ en: 'create the DataLoaders inside createLoaders, not once per module: a cache shared across requests serves stale rows', ko: 'DataLoader는 모듈에서 한 번이 아니라 createLoaders 안에서 만드세요: 요청끼리 나눠 쓰는 캐시는 오래된 행을 내줍니다' })).toBe('renamed');
  });
});
