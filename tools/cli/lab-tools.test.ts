import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import type { LabMeta } from '../labs/meta.ts';
import { checkDocker, checkNode, CheckLevel, formatChecks, plannedSource, satisfiesMinimum } from './doctor.ts';
import { labImportsIn } from './lab-files.ts';
import { ProgressStore } from './progress.ts';
import { backupStamp, resetLab, StarterMissingError } from './reset.ts';

describe('labImportsIn', () => {
  test('finds the lab files a test imports, relative to the root', () => {
    const source = [
      "import { describe } from 'vitest';",
      "import { createUser } from './queries.ts';",
      "import type { Row } from './types.ts';",
      "import { useDatabase } from '../../tools/testing/test-env.ts';",
      "import { helper } from './helpers.test.ts';",
      "const lazy = await import('./lazy.ts');",
      "import { createUser as again } from './queries.ts';",
    ].join('\n');

    expect(labImportsIn(source, 'labs/01-sql-basics/users.test.ts')).toEqual([
      'labs/01-sql-basics/queries.ts',
      'labs/01-sql-basics/types.ts',
      'labs/01-sql-basics/lazy.ts',
    ]);
  });
});

describe('doctor checks', () => {
  test.each([
    ['v20.19.0', '>=20.19', true],
    ['v20.18.3', '>=20.19', false],
    ['v22.1.0', '>=20.19', true],
    ['v24.0.0', '>=20.19.2', true],
    ['v20.19.1', '>=20.19.2', false],
    ['v22.0.0', '^22', null],
  ])('%s satisfies %s: %s', (version, range, expected) => {
    expect(satisfiesMinimum(version, range)).toBe(expected);
  });

  test('Node 20 works but is flagged as end of life; older fails; 22 is fine', () => {
    expect(checkNode('v20.20.2', '>=20.19').level).toBe(CheckLevel.WARN);
    expect(checkNode('v18.20.0', '>=20.19').level).toBe(CheckLevel.FAIL);
    expect(checkNode('v22.11.0', '>=20.19').level).toBe(CheckLevel.OK);
  });

  const noProbe = { containerRuntimeAvailable: async () => false, localServersAvailable: async () => false };

  test('the planned source follows the harness order', async () => {
    expect(await plannedSource({ ...noProbe, env: { DATABASE_URL: 'postgresql://a/b', REDIS_URL: 'redis://c' } })).toMatchObject({
      level: CheckLevel.OK,
      urls: { databaseUrl: 'postgresql://a/b', redisUrl: 'redis://c' },
    });
    expect(await plannedSource({ ...noProbe, env: { REDIS_URL: 'redis://c' } })).toMatchObject({ level: CheckLevel.FAIL, detail: 'only REDIS_URL is set' });
    expect((await plannedSource({ ...noProbe, env: {}, containerRuntimeAvailable: async () => true })).detail).toMatch(/throwaway postgres:.* and redis:.* containers/);
    expect(await plannedSource({ ...noProbe, env: {}, localServersAvailable: async () => true })).toMatchObject({ level: CheckLevel.OK, urls: { redisUrl: 'redis://127.0.0.1:6379' } });
    expect((await plannedSource({ ...noProbe, env: {} })).fix).toMatch(/docker compose up -d/);
  });

  test('Docker, optional, gets a tick only when its engine runs; stopped or missing it gets the neutral mark', () => {
    const stopped = formatChecks([checkDocker('Docker version 27.3.1', null)]);
    const missing = formatChecks([checkDocker(null, null)]);
    const running = formatChecks([checkDocker('Docker version 27.3.1', '27.3.1')]);

    expect(stopped).toContain('○ Docker: Docker version 27.3.1, but the engine is not running (optional)');
    expect(missing).toMatch(/^○ Docker: not installed \(optional/m);
    expect(running).toMatch(/^✓ Docker: engine 27.3.1 is running/m);
    for (const text of [stopped, missing]) expect(text).toContain('Ready: `npm run lab` lists the labs.');
  });
});

describe('reset', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  const lab = { id: '01-sql-basics', files: ['queries.ts', 'schema.sql'] } as LabMeta;

  function checkout(): string {
    const root = mkdtempSync(path.join(os.tmpdir(), 'reset-test-'));
    dirs.push(root);
    mkdirSync(path.join(root, 'labs', lab.id), { recursive: true });
    writeFileSync(path.join(root, 'labs', lab.id, 'queries.ts'), 'starter queries\n');
    writeFileSync(path.join(root, 'labs', lab.id, 'schema.sql'), 'starter schema\n');
    const git = (...args: string[]) => execFileSync('git', args, { cwd: root, stdio: 'ignore' });
    git('init', '-q');
    git('add', '.');
    git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'starter');
    return root;
  }

  test('backupStamp sorts by time and fits in a folder name', () => {
    expect(backupStamp(new Date('2026-11-26T10:04:05.123Z'))).toBe('20261126-100405');
  });

  test('restores the edited files from git HEAD and backs up the learner version', () => {
    const root = checkout();
    writeFileSync(path.join(root, 'labs', lab.id, 'queries.ts'), 'my work\n');
    const store = ProgressStore.in(root);
    store.update(lab.id, () => ({ status: 'failing', failed: 1, total: 2, passed: 1, hints: { schema: 2 } }));

    const result = resetLab(root, lab, store, new Date('2026-11-26T10:04:05Z'));

    expect(result.restored).toEqual(['labs/01-sql-basics/queries.ts']);
    expect(result.unchanged).toEqual(['labs/01-sql-basics/schema.sql']);
    expect(result.backupDir).toBe(path.join('.workbook', 'backups', '01-sql-basics-20261126-100405'));
    expect(readFileSync(path.join(root, 'labs', lab.id, 'queries.ts'), 'utf8')).toBe('starter queries\n');
    expect(readFileSync(path.join(root, result.backupDir!, 'labs', lab.id, 'queries.ts'), 'utf8')).toBe('my work\n');
    expect(store.lab(lab.id)).toEqual({ hints: { schema: 2 } });
  });

  test('an untouched lab needs no backup', () => {
    const root = checkout();

    const result = resetLab(root, lab, ProgressStore.in(root));

    expect(result).toEqual({ restored: [], unchanged: ['labs/01-sql-basics/queries.ts', 'labs/01-sql-basics/schema.sql'], backupDir: null });
    expect(existsSync(path.join(root, '.workbook', 'backups'))).toBe(false);
  });

  test('a file with no starter in git is refused before anything changes', () => {
    const root = checkout();
    writeFileSync(path.join(root, 'labs', lab.id, 'queries.ts'), 'my work\n');

    expect(() => resetLab(root, { ...lab, files: ['queries.ts', 'new-file.ts'] }, ProgressStore.in(root))).toThrow(StarterMissingError);
    expect(readFileSync(path.join(root, 'labs', lab.id, 'queries.ts'), 'utf8')).toBe('my work\n');
  });
});
