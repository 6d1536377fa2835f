// Lab 11, step 1: count the queries Prisma sends (query-counter.ts).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createPrismaClient } from '../../prisma/client.ts';
import { useDatabase } from '../../tools/testing/test-env.ts';
import { createQueryCounter, QueryEventsDisabledError } from './index.ts';
import { say } from '../../tools/testing/say.ts';

const db = useDatabase();
let prisma: ReturnType<typeof createPrismaClient>;

beforeAll(() => {
  prisma = createPrismaClient(db.url, { logQueries: true });
});

afterAll(async () => {
  await prisma.$disconnect();
});

describe('createQueryCounter', () => {
  test('counts every statement the client sends, with its SQL', async () => {
    const counter = await createQueryCounter(prisma);

    await prisma.user.count();
    await prisma.project.findMany();
    await prisma.video.findFirst();

    expect(counter.count, say({ en: "one query event per statement (the probe's SELECT 1 not included)", ko: '문장마다 query 이벤트 하나(프로브의 SELECT 1은 빼고)' })).toBe(3);
    expect(counter.queries[0]).toMatch(/FROM "public"\."users"/);
    expect(counter.queries[2]).toMatch(/FROM "public"\."videos"/);
    counter.close();
  });

  test("measure returns fn's result and only the statements sent while it ran", async () => {
    const counter = await createQueryCounter(prisma);
    await prisma.user.count();

    const measured = await counter.measure(async () => {
      await prisma.job.count();
      await prisma.post.count();
      return 42;
    });

    expect(measured.result).toBe(42);
    expect(measured.count).toBe(2);
    expect(measured.queries.map((q) => /FROM "public"\."(\w+)"/.exec(q)?.[1])).toEqual(['jobs', 'posts']);
    expect(counter.count, say({ en: 'the counter itself saw all three', ko: '카운터 자체는 셋을 모두 보았습니다' })).toBe(3);
    counter.close();
  });

  test('reset starts again from 0; after close nothing is counted, and close can be called twice', async () => {
    const counter = await createQueryCounter(prisma);
    await prisma.user.count();

    counter.reset();
    await prisma.user.count();
    const afterReset = counter.count;
    counter.close();
    counter.close();
    await prisma.user.count();

    expect(afterReset).toBe(1);
    expect(counter.count, say({ en: 'closed: no more counting', ko: '닫힌 뒤에는 더 세지 않아야 합니다' })).toBe(1);
  });

  test('refuses a client that emits no query events instead of counting 0 forever', async () => {
    const quiet = createPrismaClient(db.url); // no logQueries

    try {
      const error = await createQueryCounter(quiet).catch((e: unknown) => e);

      expect(error, say({ en: 'probe with one query and throw QueryEventsDisabledError if no event arrives', ko: '쿼리 하나로 확인하고, 이벤트가 오지 않으면 QueryEventsDisabledError를 던지세요' })).toBeInstanceOf(QueryEventsDisabledError);
      expect((error as QueryEventsDisabledError).code).toBe('QUERY_EVENTS_DISABLED');
    } finally {
      await quiet.$disconnect();
    }
  });
});
