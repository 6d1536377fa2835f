// Lab 11, step 2: the project feed in a fixed number of queries (feed.ts).
// These tests count queries themselves (not with your counter), so this step does not depend on step 1.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createPrismaClient } from '../../prisma/client.ts';
import { useDatabase } from '../../tools/testing/test-env.ts';
import { createFeedData } from './fixtures.ts';
import { projectFeed, projectFeedNaive } from './index.ts';
import { say } from '../../tools/testing/say.ts';

const db = useDatabase();
let prisma: ReturnType<typeof createPrismaClient>;
let sent = 0;

/**
 * The feed's relation levels (projects, their videos, each video's jobs): the most statements a
 * fixed feed sends, whatever N. relationLoadStrategy 'query' sends one per level; 'join' sends 1.
 */
const RELATION_LEVELS = 3;

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

    expect(feed.map((p) => p.name), say({ en: "this owner's projects only, by id", ko: '이 주인의 프로젝트만, id 순서로' })).toEqual(['project 1', 'project 2', 'empty project']);
    expect(feed.map((p) => p.videos.map((v) => v.title))).toEqual([['clip 1.1', 'clip 1.2'], ['clip 2.1', 'clip 2.2'], []]);
    expect(
      feed.map((p) => p.videos.map((v) => v.latestJob?.kind ?? null)),
      say({ en: 'latest = newest createdAt, then highest id ("step-1" and "step-2" share a timestamp); no job = null', ko: 'latest = createdAt이 가장 새로운 것, 같으면 id가 가장 큰 것("step-1"과 "step-2"는 시각이 같습니다); 작업이 없으면 null' }),
    ).toEqual([['step-2', 'step-2'], [null, 'step-2'], []]);
    expect(Object.keys(feed[0]!.videos[0]!).sort(), say({ en: 'a video has latestJob, not a jobs array', ko: '영상에는 jobs 배열이 아니라 latestJob이 있어야 합니다' })).toEqual(['durationMs', 'id', 'latestJob', 'title']);
  });

  test.each([1, 10, 100])('N = %i projects: the same feed as the naive version, in at most 3 statements, as many as for 1 project', async (n) => {
    const { ownerId } = await createFeedData(db.prisma, { email: `owner-${n}@example.com`, projects: n });
    const single = n === 1 ? ownerId : (await createFeedData(db.prisma, { email: `owner-${n}-single@example.com`, projects: 1 })).ownerId;

    const fixed = await measure(() => projectFeed(prisma, ownerId));
    const forOne = single === ownerId ? fixed : await measure(() => projectFeed(prisma, single));
    const naive = await measure(() => projectFeedNaive(prisma, ownerId));

    expect(fixed.result, say({ en: 'projectFeed must return exactly what projectFeedNaive returns', ko: 'projectFeed는 projectFeedNaive와 정확히 같은 것을 돌려줘야 합니다' })).toEqual(naive.result);
    expect(naive.count, say({ en: 'the naive feed: 1 query + 1 per project + 1 per video', ko: '순진한 피드: 쿼리 1개 + 프로젝트마다 1개 + 영상마다 1개' })).toBe(1 + n + 2 * n);
    const budget = say({
      en: `query budget: expected at most ${RELATION_LEVELS} statements (one per relation level: projects, videos, jobs; 1 with relationLoadStrategy 'join', the default in this schema, 3 with 'query'), the same number for every N; counted ${fixed.count} for ${n} project(s) and ${forOne.count} for 1. A count that grows with N is a query inside a loop: nest the relations in one findMany`,
      ko: `쿼리 예산: 문장은 최대 ${RELATION_LEVELS}개(관계 단계마다 하나: 프로젝트, 영상, 작업. relationLoadStrategy 'join'(이 스키마의 기본값)이면 1개, 'query'면 3개)이고, N이 얼마든 같은 개수여야 합니다. 프로젝트 ${n}개에서 ${fixed.count}개, 1개에서 ${forOne.count}개를 셌습니다. N에 따라 늘어나는 개수는 반복문 안의 쿼리입니다: 관계를 findMany 하나에 중첩하세요`,
    });
    expect(fixed.count, budget).toBeLessThanOrEqual(RELATION_LEVELS);
    expect(fixed.count, budget).toBe(forOne.count);
  });
});
