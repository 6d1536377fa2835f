// Where do the tests find PostgreSQL and Redis? One pure decision, then thin I/O around it.
//
//   1. DATABASE_URL and REDIS_URL are set       -> use those servers
//   2. a container runtime (Docker, Podman) is up -> testcontainers starts throwaway ones
//   3. servers answer on the default local ports -> use those
//   4. otherwise                                  -> NoServicesError, naming every way to fix it
import { existsSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_REDIS_URL, SERVER_DATABASE_URL, redact } from '../../prisma/urls.ts';
import { NoServicesError, OneUrlSetError } from './errors.ts';

export { redact };

/** Image tags for the container path, pinned in one place. */
export const IMAGES = {
  postgres: 'postgres:15.10-alpine',
  redis: 'redis:7.4.2-alpine',
} as const;

/** Servers on the default local ports (the harness picks its own databases on that server). */
export const LOCAL_DEFAULTS = {
  databaseUrl: SERVER_DATABASE_URL,
  redisUrl: DEFAULT_REDIS_URL,
} as const;

export const ServiceSource = {
  ENV: 'env',
  TESTCONTAINERS: 'testcontainers',
  LOCAL: 'local',
} as const;
export type ServiceSource = (typeof ServiceSource)[keyof typeof ServiceSource];

export interface Services {
  source: ServiceSource;
  /** A URL of the PostgreSQL server (any database on it; the harness picks its own). */
  databaseUrl: string;
  redisUrl: string;
  /** Stops what this process started (containers); a no-op for servers it only found. */
  close(): Promise<void>;
}

/** The I/O the strategy needs, injectable so the choice can be tested without Docker. */
export interface ServiceProbes {
  env: Record<string, string | undefined>;
  containerRuntimeAvailable(): Promise<boolean>;
  startContainers(): Promise<Services>;
  localServersAvailable(): Promise<boolean>;
}

export async function findServices(probes: ServiceProbes): Promise<Services> {
  const { DATABASE_URL, REDIS_URL } = probes.env;
  if (DATABASE_URL && REDIS_URL) {
    return { source: ServiceSource.ENV, databaseUrl: DATABASE_URL, redisUrl: REDIS_URL, close: async () => {} };
  }
  if (DATABASE_URL || REDIS_URL) {
    throw DATABASE_URL ? new OneUrlSetError('DATABASE_URL', LOCAL_DEFAULTS.redisUrl) : new OneUrlSetError('REDIS_URL', LOCAL_DEFAULTS.databaseUrl);
  }
  if (await probes.containerRuntimeAvailable()) return probes.startContainers();
  if (await probes.localServersAvailable()) {
    return { source: ServiceSource.LOCAL, ...LOCAL_DEFAULTS, close: async () => {} };
  }
  throw new NoServicesError('no DATABASE_URL/REDIS_URL, no container runtime, nothing on 127.0.0.1:5432/6379');
}

export function describeServices(services: Pick<Services, 'source' | 'databaseUrl' | 'redisUrl'>): string {
  const where = `PostgreSQL ${redact(services.databaseUrl)}, Redis ${redact(services.redisUrl)}`;
  switch (services.source) {
    case ServiceSource.ENV:
      return `services from DATABASE_URL/REDIS_URL: ${where}`;
    case ServiceSource.TESTCONTAINERS:
      return `services in throwaway containers (${IMAGES.postgres}, ${IMAGES.redis}): ${where}`;
    case ServiceSource.LOCAL:
      return `local services on default ports: ${where}`;
  }
}

// ---- the real probes -------------------------------------------------------------------------

function portOpen(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Could a container runtime be there at all? testcontainers finds one through DOCKER_HOST, its
 * ~/.testcontainers.properties, or a socket in a few known places. When none of those exists we can
 * say no without loading testcontainers, which costs about a second on every test run.
 * Elsewhere than Linux and macOS (Windows named pipes) the answer is always "maybe".
 */
export function mightHaveContainerRuntime(
  env: Record<string, string | undefined>,
  exists: (file: string) => boolean,
  platform: string = process.platform,
  home: string = os.homedir(),
  uid: number = process.getuid?.() ?? 0,
): boolean {
  if (platform !== 'linux' && platform !== 'darwin') return true;
  if (env.DOCKER_HOST || env.TESTCONTAINERS_HOST_OVERRIDE) return true;
  return [
    path.join(home, '.testcontainers.properties'),
    '/var/run/docker.sock',
    ...(env.XDG_RUNTIME_DIR ? [path.join(env.XDG_RUNTIME_DIR, 'docker.sock')] : []),
    path.join(home, '.docker', 'run', 'docker.sock'),
    path.join(home, '.docker', 'desktop', 'docker.sock'),
    `/run/user/${uid}/docker.sock`,
  ].some(exists);
}

export const realProbes = (env: Record<string, string | undefined> = process.env): ServiceProbes => ({
  env,
  async containerRuntimeAvailable() {
    if (env.WORKBOOK_NO_CONTAINERS === '1') return false;
    if (!mightHaveContainerRuntime(env, existsSync)) return false;
    try {
      const { getContainerRuntimeClient } = await import('testcontainers');
      await getContainerRuntimeClient();
      return true;
    } catch {
      return false;
    }
  },
  async startContainers() {
    const [{ PostgreSqlContainer }, { RedisContainer }] = await Promise.all([
      import('@testcontainers/postgresql'),
      import('@testcontainers/redis'),
    ]);
    const [postgres, redis] = await Promise.all([
      new PostgreSqlContainer(IMAGES.postgres).withUsername('postgres').withPassword('postgres').start(),
      new RedisContainer(IMAGES.redis).start(),
    ]);
    return {
      source: ServiceSource.TESTCONTAINERS,
      databaseUrl: postgres.getConnectionUri(),
      redisUrl: redis.getConnectionUrl(),
      async close() {
        await Promise.all([postgres.stop(), redis.stop()]);
      },
    };
  },
  async localServersAvailable() {
    const [pgUp, redisUp] = await Promise.all([portOpen('127.0.0.1', 5432), portOpen('127.0.0.1', 6379)]);
    return pgUp && redisUp;
  },
});
