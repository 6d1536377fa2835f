// `npm start` as a process: it starts against DATABASE_URL/REDIS_URL, seeds an empty database,
// prints where it runs, answers the API, and exits 0 on SIGINT after a graceful shutdown.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../../tools/labs/meta.ts';
import { useDatabase, useRedis } from '../../../tools/testing/test-env.ts';
import { waitFor, withDeadline } from '../../../tools/testing/wait.ts';

const db = useDatabase();
const redis = useRedis();

describe('npm start', () => {
  it('starts, seeds, serves the demo login, and exits 0 on SIGINT', async () => {
    const mediaDir = await mkdtemp(path.join(tmpdir(), 've-main-'));
    // What `npm start` runs (package.json: "tsx solutions/app/main.ts"), minus npm itself.
    const child = spawn(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'solutions/app/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: db.url, REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix, PORT: '0', MEDIA_DIR: mediaDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    try {
      const url = await waitFor(() => /is running at (http:\/\/\S+)/.exec(output)?.[1], {
        timeoutMs: 45_000,
        intervalMs: 50,
        message: `npm start never printed its URL. Output so far:\n${output}`,
      });

      expect(output).toContain('Demo data   seeded: 3 videos and 5 jobs from lab 03, plus "Test pattern (generated)"; media made by ffmpeg in');
      expect(output, 'lab 03 seeds one pending and one processing job: the start queues both').toContain('; 2 unfinished on the queue;');
      expect(output).toContain('Log in as   demo@video-editor.dev / demo-password');
      const login = await fetch(`${url}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'demo@video-editor.dev', password: 'demo-password' }),
      });
      expect(login.status, 'the printed login must work').toBe(201);

      child.kill('SIGINT');
      const [code, signal] = await withDeadline(exited, 15_000, `npm start did not exit after SIGINT. Output:\n${output}`);

      expect({ code, signal }, `exit status after SIGINT. Output:\n${output}`).toEqual({ code: 0, signal: null });
      expect(output).toContain('SIGINT: shutting down');
      expect(output).toContain('stopped');
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await rm(mediaDir, { recursive: true, force: true });
    }
  });
});
