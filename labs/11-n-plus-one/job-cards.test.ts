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

/** What jobCards sends through the loaders, whatever N: the jobs, one batch of owners, one batch of videos. */
const BATCHED_STATEMENTS = 3;

/** The budget's message: what was expected and what was counted, for `jobs` job ids asked. */
const budget = (counted: number, jobs: number) =>
  say({
    en: `query budget: expected exactly ${BATCHED_STATEMENTS} statements whatever N (the jobs, one batch of owners through userById, one batch of videos through videoById); counted ${counted} for ${jobs} job id(s). More means a lookup that bypasses the loaders or a batch split in several; fewer means rows served from a cache that outlived the call`,
    ko: `쿼리 예산: N이 얼마든 문장은 정확히 ${BATCHED_STATEMENTS}개여야 합니다(작업, userById를 거친 사용자 배치 하나, videoById를 거친 영상 배치 하나). 작업 id ${jobs}개에서 ${counted}개를 셌습니다. 더 많으면 로더를 거치지 않은 조회나 여러 개로 쪼개진 배치가 있고, 더 적으면 호출보다 오래 사는 캐시에서 행이 나온 것입니다`,
  });

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
  test.each([1, 10, 100])('N = %i jobs: the same cards as the naive resolvers, in 3 statements', async (n) => {
    const ids = data.jobIds.slice(0, n).reverse(); // asked newest first: the cards must follow that order

    const batched = await measure(() => jobCards(prisma, ids));
    const naive = await measure(() => jobCardsNaive(prisma, ids));

    expect(batched.result, say({ en: 'jobCards must return exactly what jobCardsNaive returns', ko: 'jobCards는 jobCardsNaive와 정확히 같은 것을 돌려줘야 합니다' })).toEqual(naive.result);
    expect(batched.result.map((c) => c.id)).toEqual(ids);
    expect(naive.count, say({ en: 'the naive resolvers: 1 query for the jobs + 2 per job', ko: '순진한 리졸버: 작업 쿼리 1개 + 작업마다 2개' })).toBe(1 + 2 * n);
    expect(batched.count, budget(batched.count, n)).toBe(BATCHED_STATEMENTS);
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
    expect(count, budget(count, 4)).toBe(BATCHED_STATEMENTS);
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
