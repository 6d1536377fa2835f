// The environment of `npm start` and `npm run worker` (env.ts): one schema, bad values stop the
// process with the variable's name instead of "NaN video workers" or a worker on another queue.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../../tools/labs/meta.ts';
import { withDeadline } from '../../../tools/testing/wait.ts';
import { InvalidEnvError, parseAppEnv } from '../env.ts';

describe('parseAppEnv (env.ts)', () => {
  it('gives the defaults for an empty environment', () => {
    const env = parseAppEnv({}, 'npm start');
    expect(env).toMatchObject({ REDIS_PREFIX: 've:', WORKERS: 1, PORT: 3000, HOST: '127.0.0.1', ALLOWED_ORIGINS: [] });
    expect(parseAppEnv({ WORKERS: '0', JOB_READRATE: '1', ALLOWED_ORIGINS: 'http://a, http://b' }, 'npm start')).toMatchObject({ WORKERS: 0, JOB_READRATE: 1, ALLOWED_ORIGINS: ['http://a', 'http://b'] });
  });

  it('refuses WORKERS=two, naming the variable', () => {
    expect(() => parseAppEnv({ WORKERS: 'two' }, 'npm run worker')).toThrow(InvalidEnvError);
    expect(() => parseAppEnv({ WORKERS: 'two' }, 'npm run worker')).toThrow(/WORKERS="two" must be a whole number of workers/);
    expect(() => parseAppEnv({ WORKERS: '1.5' }, 'npm run worker')).toThrow(/WORKERS/);
  });

  it("refuses REDIS_PREFIX without the trailing ':' for both entry points alike", () => {
    for (const entry of ['npm start', 'npm run worker']) {
      expect(() => parseAppEnv({ REDIS_PREFIX: 'atk' }, entry)).toThrow(/REDIS_PREFIX="atk" must end with ':'/);
    }
  });
});

/** Runs an entry point the way its npm script does and resolves with its exit code and output. */
async function run(entry: 'main.ts' | 'worker-main.ts', env: Record<string, string>) {
  const child = spawn(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), `solutions/app/${entry}`], {
    cwd: ROOT,
    // Nothing listens on port 1: if the environment were accepted, the process would fail on Redis instead.
    env: { ...process.env, REDIS_URL: 'redis://127.0.0.1:1', DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/none', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  try {
    const [code] = (await withDeadline(once(child, 'exit'), 20_000, `${entry} did not exit on a bad environment. Output:\n${output}`)) as [number | null];
    return { code, output };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

describe('the entry points parse their environment first', () => {
  it('npm run worker with WORKERS=two exits 1 naming WORKERS', async () => {
    const { code, output } = await run('worker-main.ts', { WORKERS: 'two' });
    expect(output).toContain('WORKERS="two" must be a whole number of workers');
    expect(code).toBe(1);
  });

  it('npm start with REDIS_PREFIX=atk exits 1 naming REDIS_PREFIX', async () => {
    const { code, output } = await run('main.ts', { REDIS_PREFIX: 'atk' });
    expect(output).toContain(`REDIS_PREFIX="atk" must end with ':'`);
    expect(code).toBe(1);
  });
});
