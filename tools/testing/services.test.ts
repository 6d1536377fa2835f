import { describe, expect, test } from 'vitest';
import { NoServicesError } from './errors.ts';
import { describeServices, findServices, IMAGES, LOCAL_DEFAULTS, mightHaveContainerRuntime, redact, ServiceSource, type ServiceProbes, type Services } from './services.ts';

const containers: Services = {
  source: ServiceSource.TESTCONTAINERS,
  databaseUrl: 'postgresql://postgres:postgres@localhost:32768/test',
  redisUrl: 'redis://localhost:32769',
  close: async () => {},
};

/** Probes with every answer chosen by the test, and a log of which were asked. */
function probes(answers: { env?: Record<string, string>; runtime?: boolean; local?: boolean }) {
  const asked: string[] = [];
  const p: ServiceProbes = {
    env: answers.env ?? {},
    async containerRuntimeAvailable() {
      asked.push('runtime');
      return answers.runtime ?? false;
    },
    async startContainers() {
      asked.push('start');
      return containers;
    },
    async localServersAvailable() {
      asked.push('local');
      return answers.local ?? false;
    },
  };
  return { probes: p, asked };
}

describe('findServices', () => {
  test('both URLs in the environment win over everything else, without probing', async () => {
    const { probes: p, asked } = probes({ env: { DATABASE_URL: 'postgresql://u@db:5432/x', REDIS_URL: 'redis://cache:6379' }, runtime: true, local: true });

    const services = await findServices(p);

    expect(services.source).toBe(ServiceSource.ENV);
    expect(services.databaseUrl).toBe('postgresql://u@db:5432/x');
    expect(services.redisUrl).toBe('redis://cache:6379');
    expect(asked).toEqual([]);
  });

  test.each([
    [{ DATABASE_URL: 'postgresql://u@db/x' }, 'Only DATABASE_URL is set', 'set REDIS_URL too, e.g. REDIS_URL=redis://127.0.0.1:6379'],
    [{ REDIS_URL: 'redis://cache' }, 'Only REDIS_URL is set', 'set DATABASE_URL too, e.g. DATABASE_URL=postgresql://'],
  ])('only one URL set is an error that says which, and which to add (%o)', async (env, reason, fix) => {
    const { probes: p, asked } = probes({ env, runtime: true, local: true });

    const error = await findServices(p).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(NoServicesError);
    expect((error as NoServicesError).code).toBe('WORKBOOK_NO_SERVICES');
    expect((error as Error).message).toContain(reason);
    expect((error as Error).message).toContain(fix);
    expect((error as Error).message).not.toContain('none were found');
    expect(asked).toEqual([]);
  });

  test('with no URLs and a container runtime, it starts containers (and does not look for local servers)', async () => {
    const { probes: p, asked } = probes({ runtime: true, local: true });

    const services = await findServices(p);

    expect(services).toBe(containers);
    expect(asked).toEqual(['runtime', 'start']);
  });

  test('with no URLs and no runtime, it falls back to local servers on the default ports', async () => {
    const { probes: p, asked } = probes({ runtime: false, local: true });

    const services = await findServices(p);

    expect(services.source).toBe(ServiceSource.LOCAL);
    expect(services.databaseUrl).toBe(LOCAL_DEFAULTS.databaseUrl);
    expect(services.redisUrl).toBe(LOCAL_DEFAULTS.redisUrl);
    expect(asked).toEqual(['runtime', 'local']);
  });

  test('with nothing available, the error names the three ways to fix it', async () => {
    const { probes: p } = probes({ runtime: false, local: false });

    const error = (await findServices(p).catch((e: unknown) => e)) as NoServicesError;

    expect(error).toBeInstanceOf(NoServicesError);
    expect(error.message).toMatch(/1\. Start Docker/);
    expect(error.message).toMatch(/2\. .*docker compose up -d/);
    expect(error.message).toContain('DATABASE_URL=');
    expect(error.message).toContain('REDIS_URL=');
    expect(error.message).toMatch(/3\. Install PostgreSQL 15\+ and Redis 7\+ locally/);
    expect(error.message).toContain('npm run lab -- doctor');
  });
});

describe('describeServices and redact', () => {
  test('a password never reaches the log line', () => {
    const line = describeServices({ source: ServiceSource.ENV, databaseUrl: 'postgresql://app:s3cret@db:5432/x', redisUrl: 'redis://:pw@cache:6379' });

    expect(line).not.toContain('s3cret');
    expect(line).not.toContain(':pw@');
    expect(line).toContain('DATABASE_URL/REDIS_URL');
  });

  test('the container line names the pinned images', () => {
    expect(describeServices(containers)).toContain(IMAGES.postgres);
    expect(describeServices(containers)).toContain(IMAGES.redis);
  });

  test('an unparseable URL is not printed at all', () => {
    expect(redact('not a url with password')).toBe('<unparseable url>');
  });
});

describe('mightHaveContainerRuntime', () => {
  const none = () => false;

  test('no DOCKER_HOST, no properties file and no socket: no runtime, without loading testcontainers', () => {
    expect(mightHaveContainerRuntime({}, none, 'linux', '/home/ann', 1000)).toBe(false);
  });

  test.each([
    ['/var/run/docker.sock'],
    ['/home/ann/.docker/run/docker.sock'],
    ['/home/ann/.docker/desktop/docker.sock'],
    ['/run/user/1000/docker.sock'],
    ['/home/ann/.testcontainers.properties'],
    ['/run/xdg/docker.sock'],
  ])('%s is a maybe', (file) => {
    expect(mightHaveContainerRuntime({ XDG_RUNTIME_DIR: '/run/xdg' }, (f) => f === file, 'linux', '/home/ann', 1000)).toBe(true);
  });

  test('DOCKER_HOST (Podman, a remote engine) is a maybe', () => {
    expect(mightHaveContainerRuntime({ DOCKER_HOST: 'unix:///run/podman/podman.sock' }, none, 'linux', '/home/ann', 1000)).toBe(true);
  });

  test('on Windows testcontainers decides (named pipes are not files)', () => {
    expect(mightHaveContainerRuntime({}, none, 'win32', 'C:\\Users\\ann', 0)).toBe(true);
  });
});
