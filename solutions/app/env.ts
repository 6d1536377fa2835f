// The environment of `npm start` (main.ts) and `npm run worker` (worker-main.ts), parsed by one
// schema so the two entry points agree on every variable they share (REDIS_PREFIX above all: a
// worker on another prefix takes jobs from another queue). A bad value stops the process with a
// message naming the variable, instead of "NaN video workers" or a worker on a queue nobody fills.
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { parseTrustProxy } from './client-address.ts';
import { DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL } from '../../prisma/urls.ts';

/** An unset or empty variable takes the default. */
const unsetAsUndefined = (value: unknown) => (value === '' ? undefined : value);
const count = (what: string) => z.preprocess(unsetAsUndefined, z.coerce.number({ error: `must be a whole number of ${what}` }).int(`must be a whole number of ${what}`).min(0, `must be 0 or more ${what}`));

/** Every variable either entry point reads; `npm start` uses all, `npm run worker` the shared ones. */
export const appEnvSchema = z.object({
  DATABASE_URL: z.preprocess(unsetAsUndefined, z.url('must be a postgresql:// URL').default(DEFAULT_DATABASE_URL)),
  REDIS_URL: z.preprocess(unsetAsUndefined, z.url('must be a redis:// URL').default(DEFAULT_REDIS_URL)),
  /** Every Redis key and the queue live under it; lab 06's cacheKeys needs the trailing ':'. */
  REDIS_PREFIX: z.preprocess(unsetAsUndefined, z.string().regex(/^[^\s]*:$/, "must end with ':' and have no spaces, e.g. ve:").default('ve:')),
  PORT: z.preprocess(unsetAsUndefined, z.coerce.number({ error: 'must be a port number' }).int('must be a port number').min(0).max(65535, 'must be a port number 0-65535').default(3000)),
  HOST: z.preprocess(unsetAsUndefined, z.string().default('127.0.0.1')),
  /** Comma-separated extra page origins for the WebSocket. */
  ALLOWED_ORIGINS: z.preprocess(unsetAsUndefined, z.string().default('')).transform((s) => s.split(',').map((o) => o.trim()).filter(Boolean)),
  /** Uploads and job outputs @default media/ in the repository. */
  MEDIA_DIR: z.preprocess(unsetAsUndefined, z.string().default(fileURLToPath(new URL('../../media/', import.meta.url)))),
  WORKERS: count('workers').default(1),
  /** ffmpeg's -readrate (1: the video's own speed); unset: unpaced. */
  JOB_READRATE: z.preprocess(unsetAsUndefined, z.coerce.number({ error: 'must be a number like 1 or 0.5' }).positive('must be more than 0').optional()),
  /** Our reverse proxies (client-address.ts): unset = none, a hop count, or addresses/CIDR ranges. */
  TRUST_PROXY: z.string().optional().transform((value, ctx) => {
    try {
      return parseTrustProxy(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a hop count (1) or proxy addresses / CIDR ranges (10.0.0.1,10.1.0.0/16)' });
      return z.NEVER;
    }
  }),
});

export type AppEnv = z.infer<typeof appEnvSchema>;

/** A variable with a value the entry points cannot use. `code` is `invalid_env`. */
export class InvalidEnvError extends Error {
  readonly code = 'invalid_env';
}

/**
 * Parses `env` (process.env) for `entry` ('npm start' or 'npm run worker'). Throws InvalidEnvError
 * naming each bad variable and the value it had, e.g. `WORKERS="two" must be a whole number of workers`.
 */
export function parseAppEnv(env: NodeJS.ProcessEnv, entry: string): AppEnv {
  const result = appEnvSchema.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const name = String(issue.path[0]);
    return `  ${name}=${JSON.stringify(env[name])} ${issue.message}`;
  });
  throw new InvalidEnvError(`${entry}: bad environment\n${lines.join('\n')}`);
}

/**
 * For an entry point's first lines: {@link parseAppEnv} of process.env, or the message on stderr and
 * exit code 1 when a variable is bad (nothing has been opened yet, so exiting closes nothing).
 */
export function appEnvOrExit(entry: string): AppEnv {
  try {
    return parseAppEnv(process.env, entry);
  } catch (error) {
    if (!(error instanceof InvalidEnvError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
