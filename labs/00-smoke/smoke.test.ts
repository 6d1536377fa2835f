import { expect, test } from 'vitest';
import { useDatabase, useRedis } from '../../tools/harness/test-env.ts';
const db = useDatabase();
const redis = useRedis();
test('smoke', async () => {
  const { rows } = await db.pool.query('select count(*)::int as n from users');
  expect(rows[0].n).toBe(0);
  await db.prisma.user.create({ data: { email: 'a@b.c', name: 'a', passwordHash: 'x' } });
  expect(await db.prisma.user.count()).toBe(1);
  await redis.client.set(redis.key('a'), '1');
  expect(await redis.client.get(redis.key('a'))).toBe('1');
});
