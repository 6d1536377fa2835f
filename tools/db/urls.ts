/** The database `npm start`, `db:migrate` and `db:seed` use when DATABASE_URL is not set. */
export const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/video_editor';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export const defaultDatabaseUrl = (env = process.env) => env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
export const defaultRedisUrl = (env = process.env) => env.REDIS_URL ?? DEFAULT_REDIS_URL;

/** The same server, another database: `withDatabase(url, 'x')`. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
