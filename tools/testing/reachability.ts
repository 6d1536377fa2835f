// Do the services answer? One quick round trip each, with a deadline, so a server that is down
// reads as "PostgreSQL at ... did not answer" before any test starts, not as a hung or failed test.
import pg from 'pg';
import { createClient } from 'redis';
import { ServiceUnreachableError } from './errors.ts';
import { redact, type Services } from './services.ts';

/** Connects, asks for the server version, disconnects. Rejects with ServiceUnreachableError. */
export async function pingPostgres(url: string, timeoutMs = 3000): Promise<string> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => {}); // surfaced through connect/query below
  try {
    await client.connect();
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return rows[0]?.server_version ?? 'unknown';
  } catch (error) {
    throw new ServiceUnreachableError('PostgreSQL', redact(url), { cause: error });
  } finally {
    await client.end().catch(() => {});
  }
}

/** Connects without retrying, asks for the server version, disconnects. Rejects with ServiceUnreachableError. */
export async function pingRedis(url: string, timeoutMs = 3000): Promise<string> {
  const client = createClient({ url, socket: { connectTimeout: timeoutMs, reconnectStrategy: false } });
  client.on('error', () => {}); // surfaced through connect/info below
  try {
    await client.connect();
    const info = await client.info('server');
    return /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
  } catch (error) {
    throw new ServiceUnreachableError('Redis', redact(url), { cause: error });
  } finally {
    if (client.isOpen) client.destroy();
  }
}

export async function assertServicesAnswer(services: Pick<Services, 'databaseUrl' | 'redisUrl'>): Promise<void> {
  await Promise.all([pingPostgres(services.databaseUrl), pingRedis(services.redisUrl)]);
}
