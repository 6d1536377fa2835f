// `npm run lab -- doctor`: is this machine ready for the labs? Each check says what to do if not.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pingPostgres, pingRedis } from '../testing/reachability.ts';
import { IMAGES, LOCAL_DEFAULTS, realProbes, redact, type ServiceProbes } from '../testing/services.ts';
import { findChromium } from '../testing/chromium.ts';
import { indent, mark, style } from './style.ts';

/** OPTIONAL: an optional tool that is not usable here; neither a problem nor a tick (○, no fix shown). */
export const CheckLevel = { OK: 'ok', OPTIONAL: 'optional', WARN: 'warn', FAIL: 'fail' } as const;
export type CheckLevel = (typeof CheckLevel)[keyof typeof CheckLevel];

export interface Check {
  name: string;
  level: CheckLevel;
  detail: string;
  /** What to do about it (printed for warn and fail). */
  fix?: string;
}

// Hand-written, not `semver`: package.json's engines is one `>=` range, and semver (with @types/semver) is no direct dependency.
/** Pure: does `version` (e.g. `22.11.0`) satisfy a `>=X.Y[.Z]` range? Other range shapes are not judged. */
export function satisfiesMinimum(version: string, range: string): boolean | null {
  const min = /^>=\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(range.trim());
  const have = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!min || !have) return null;
  const a = [Number(have[1]), Number(have[2]), Number(have[3])];
  const b = [Number(min[1]), Number(min[2] ?? 0), Number(min[3] ?? 0)];
  for (let i = 0; i < 3; i++) if (a[i]! !== b[i]!) return a[i]! > b[i]!;
  return true;
}

export function checkNode(version: string, range: string): Check {
  const ok = satisfiesMinimum(version, range);
  if (ok === false) {
    return { name: 'Node.js', level: CheckLevel.FAIL, detail: `${version} does not satisfy "${range}"`, fix: 'Install Node.js 22 or 24 (LTS), e.g. with nvm, fnm or from nodejs.org.' };
  }
  const major = Number(/^v?(\d+)/.exec(version)?.[1]);
  if (major === 20) {
    return { name: 'Node.js', level: CheckLevel.WARN, detail: `${version} works, but Node 20 has reached its end of life`, fix: 'Node 22 or 24 is recommended.' };
  }
  return { name: 'Node.js', level: CheckLevel.OK, detail: `${version} (needs ${range})` };
}

/** Which source the harness would pick, without starting anything (pure apart from the probes). */
export async function plannedSource(probes: Omit<ServiceProbes, 'startContainers'>): Promise<Check & { urls?: { databaseUrl: string; redisUrl: string } }> {
  const { DATABASE_URL, REDIS_URL } = probes.env;
  const name = 'Services source';
  if (DATABASE_URL && REDIS_URL) {
    return { name, level: CheckLevel.OK, detail: 'DATABASE_URL and REDIS_URL are set: the tests use those servers', urls: { databaseUrl: DATABASE_URL, redisUrl: REDIS_URL } };
  }
  if (DATABASE_URL || REDIS_URL) {
    return { name, level: CheckLevel.FAIL, detail: `only ${DATABASE_URL ? 'DATABASE_URL' : 'REDIS_URL'} is set`, fix: 'Set both DATABASE_URL and REDIS_URL, or neither.' };
  }
  if (await probes.containerRuntimeAvailable()) {
    return { name, level: CheckLevel.OK, detail: `a container runtime is running: the tests start throwaway ${IMAGES.postgres} and ${IMAGES.redis} containers` };
  }
  if (await probes.localServersAvailable()) {
    return { name, level: CheckLevel.OK, detail: 'no DATABASE_URL/REDIS_URL and no container runtime: the tests use the servers on 127.0.0.1:5432 and :6379', urls: { ...LOCAL_DEFAULTS } };
  }
  return {
    name,
    level: CheckLevel.FAIL,
    detail: 'no DATABASE_URL/REDIS_URL, no container runtime, nothing listening on 127.0.0.1:5432/6379',
    fix: [
      'One of: start Docker (the tests then start their own containers);',
      '`docker compose up -d` in this folder and set DATABASE_URL=postgresql://postgres:postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379;',
      'or install PostgreSQL 15+ and Redis 7+ locally on their default ports.',
    ].join('\n'),
  };
}

function firstLine(command: string, args: string[]): string | null {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 10_000 });
  if (result.error || result.status !== 0) return null;
  return (result.stdout || result.stderr).split('\n')[0]?.trim() ?? '';
}


async function runChecks(root: string, env: NodeJS.ProcessEnv): Promise<Check[]> {
  const checks: Check[] = [];
  const engines = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { engines?: { node?: string } }).engines?.node ?? '>=20.19';
  checks.push(checkNode(process.version, engines));

  checks.push(
    existsSync(path.join(root, 'generated', 'prisma', 'client.ts'))
      ? { name: 'Prisma client', level: CheckLevel.OK, detail: 'generated in generated/prisma' }
      : { name: 'Prisma client', level: CheckLevel.FAIL, detail: 'not generated yet', fix: 'npm run db:generate' },
  );

  const source = await plannedSource(realProbes(env));
  checks.push(source);
  if (source.urls) {
    for (const [name, url, ping] of [
      ['PostgreSQL', source.urls.databaseUrl, pingPostgres],
      ['Redis', source.urls.redisUrl, pingRedis],
    ] as const) {
      try {
        const version = await ping(url);
        checks.push({ name, level: CheckLevel.OK, detail: `${version} answers at ${redact(url)}` });
      } catch (error) {
        checks.push({ name, level: CheckLevel.FAIL, detail: (error as Error).message.split('\n')[0]!, fix: (error as Error).message.split('\n').slice(1).join('\n') });
      }
    }
  } else if (source.level === CheckLevel.OK) {
    checks.push({ name: 'PostgreSQL, Redis', level: CheckLevel.OK, detail: 'started in containers by each test run' });
  }

  const ffmpeg = firstLine('ffmpeg', ['-hide_banner', '-version']);
  const ffprobe = firstLine('ffprobe', ['-hide_banner', '-version']);
  checks.push(
    ffmpeg && ffprobe
      ? { name: 'ffmpeg', level: CheckLevel.OK, detail: ffmpeg }
      : { name: 'ffmpeg', level: CheckLevel.WARN, detail: `${ffmpeg ? 'ffprobe' : 'ffmpeg'} not found (lab 09 needs ffmpeg and ffprobe)`, fix: 'Debian/Ubuntu: sudo apt-get install -y ffmpeg · macOS: brew install ffmpeg · Windows: winget install ffmpeg' },
  );

  const chromium = findChromium(env);
  checks.push(
    chromium
      ? { name: 'Chromium', level: CheckLevel.OK, detail: chromium }
      : { name: 'Chromium', level: CheckLevel.WARN, detail: 'not found (the browser test of lab 08 needs it)', fix: 'Debian/Ubuntu: sudo apt-get install -y chromium · or set CHROMIUM_PATH to a Chrome/Chromium binary' },
  );

  const dockerCli = firstLine('docker', ['--version']);
  checks.push(checkDocker(dockerCli, dockerCli ? firstLine('docker', ['info', '--format', '{{.ServerVersion}}']) : null));
  return checks;
}

/** Pure: Docker is optional, so a missing CLI or a stopped engine is OPTIONAL, never a tick. */
export function checkDocker(cli: string | null, engineVersion: string | null): Check {
  if (engineVersion) {
    return { name: 'Docker', level: CheckLevel.OK, detail: `engine ${engineVersion} is running (\`docker compose up -d\` starts Postgres and Redis for \`npm start\`)` };
  }
  return {
    name: 'Docker',
    level: CheckLevel.OPTIONAL,
    detail: cli ? `${cli}, but the engine is not running (optional)` : 'not installed (optional: the tests also use DATABASE_URL/REDIS_URL or local servers)',
  };
}

const markOf = (level: CheckLevel) =>
  ({ [CheckLevel.OK]: mark.pass, [CheckLevel.OPTIONAL]: mark.skip, [CheckLevel.WARN]: mark.warn, [CheckLevel.FAIL]: mark.fail })[level]();

export function formatChecks(checks: Check[]): string {
  const lines = [style.bold('Workbook doctor'), ''];
  for (const check of checks) {
    lines.push(`${markOf(check.level)} ${style.bold(check.name)}: ${check.detail}`);
    if (check.fix && (check.level === CheckLevel.WARN || check.level === CheckLevel.FAIL)) lines.push(indent(style.yellow(check.fix), 4));
  }
  const failed = checks.filter((c) => c.level === CheckLevel.FAIL).length;
  lines.push('', failed ? style.red(`${failed} problem(s) to fix before the labs can run.`) : style.green('Ready: `npm run lab` lists the labs.'));
  return lines.join('\n');
}

export async function doctor(root: string, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const checks = await runChecks(root, env);
  console.log(formatChecks(checks));
  return checks.some((c) => c.level === CheckLevel.FAIL) ? 1 : 0;
}
