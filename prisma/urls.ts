// Where the workbook finds PostgreSQL and Redis when nothing says otherwise: one default per URL.
// `npm start`, `db:migrate`, `db:seed`, `prisma.config.ts` (the Prisma CLI) and the test harness
// all import these, so every command targets the same database.

/** The local PostgreSQL server (trust auth, user `postgres`): host and port without a database. */
const LOCAL_POSTGRES = 'postgresql://postgres@127.0.0.1:5432';

/** The database `npm start`, `db:migrate`, `db:seed` and the Prisma CLI use when DATABASE_URL is not set. */
export const DEFAULT_DATABASE_URL = `${LOCAL_POSTGRES}/video_editor`;
/** The server's maintenance database: the harness connects here and creates its own databases. */
export const SERVER_DATABASE_URL = `${LOCAL_POSTGRES}/postgres`;
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export const defaultDatabaseUrl = (env = process.env) => env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
export const defaultRedisUrl = (env = process.env) => env.REDIS_URL ?? DEFAULT_REDIS_URL;

/** The same server, another database: `withDatabase(url, 'x')`. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Hides a password in a connection URL before it is printed; `<unparseable url>` for anything else. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<unparseable url>';
  }
}
