// Database-level chores on a PostgreSQL server: create (optionally from a template), drop.
import pg from 'pg';
import { withDatabase } from './urls.ts';

const SAFE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** `name` quoted as an SQL identifier; throws for anything but a plain lowercase database name. */
export function ident(name: string): string {
  if (!SAFE_NAME.test(name)) throw new Error(`Refusing unsafe database name "${name}"`);
  return `"${name}"`;
}

/**
 * A client connected to the server's `postgres` maintenance database; the caller ends it. A lost
 * connection surfaces through the next query, never as an 'error' event that would crash the process.
 */
export async function connectAdminClient(serverUrl: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  client.on('error', () => {});
  await client.connect();
  return client;
}

/** Runs `fn` with a client connected to the server's `postgres` maintenance database. */
export async function withAdminClient<T>(serverUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = await connectAdminClient(serverUrl);
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function databaseExists(client: pg.Client, name: string): Promise<boolean> {
  const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  return rowCount === 1;
}

/**
 * Creates the database in `url` if it does not exist yet. Safe when several processes start at once:
 * a concurrent creator shows up as 42P04 (duplicate_database) or, when both pass the existence check
 * in the same instant, as 23505 (unique_violation on pg_database_datname_index); both mean "it exists".
 */
export async function ensureDatabase(url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  await withAdminClient(url, async (client) => {
    if (await databaseExists(client, name)) return;
    await client.query(`CREATE DATABASE ${ident(name)}`).catch((error: { code?: string }) => {
      if (error.code !== '42P04' && error.code !== '23505') throw error; // created concurrently: fine
    });
  });
}

export async function createDatabase(client: pg.Client, name: string, template?: string): Promise<void> {
  const sql = `CREATE DATABASE ${ident(name)}${template ? ` TEMPLATE ${ident(template)}` : ''}`;
  // Two CREATE DATABASE ... TEMPLATE x at the same instant can collide ("source database is
  // being accessed by other users", 55006) for a moment; retry briefly.
  for (let attempt = 0; ; attempt++) {
    try {
      await client.query(sql);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== '55006' || attempt >= 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 + attempt * 10));
    }
  }
}

export async function dropDatabase(client: pg.Client, name: string): Promise<void> {
  await client.query(`DROP DATABASE IF EXISTS ${ident(name)} WITH (FORCE)`);
}
