// A baseline every other bench can be read against: one PostgreSQL and one Redis round trip.
import pg from 'pg';
import { createClient } from 'redis';
import { defineBench } from '../tools/bench/context.ts';

export default defineBench('round trips on this machine', async (ctx) => {
  const pool = new pg.Pool({ connectionString: ctx.services.databaseUrl, max: 1 });
  const redis = createClient({ url: ctx.services.redisUrl });
  redis.on('error', () => {});
  await redis.connect();
  try {
    await ctx.compare(
      'PostgreSQL vs Redis round trip',
      {
        'redis PING': () => redis.ping(),
        'postgres SELECT 1': () => pool.query('SELECT 1'),
      },
      { baseline: 'redis PING' },
    );
  } finally {
    redis.destroy();
    await pool.end();
  }
});
