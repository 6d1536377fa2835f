import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { canonicalTests, compareTests, digestOf, hashes, hasEdits, onlyTests, packTests, sha256, testFilesIn, TestsSourceError } from './integrity.ts';

const dirs: string[] = [];
function folder(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'integrity-test-'));
  dirs.push(root);
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  }
  return root;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('compareTests', () => {
  test('finds modified, added and deleted test files', () => {
    const canonical = new Map([
      ['labs/01-a/x.test.ts', sha256('x')],
      ['labs/01-a/y.test.ts', sha256('y')],
      ['labs/02-b/z.test.ts', sha256('z')],
    ]);
    const graded = new Map([
      ['labs/01-a/x.test.ts', sha256('x')],
      ['labs/01-a/y.test.ts', sha256('y but easier')],
      ['labs/02-b/mine.test.ts', sha256('mine')],
    ]);

    const edits = compareTests(canonical, graded);

    expect(edits).toEqual({ modified: ['labs/01-a/y.test.ts'], added: ['labs/02-b/mine.test.ts'], deleted: ['labs/02-b/z.test.ts'] });
    expect(hasEdits(edits)).toBe(true);
  });

  test('identical files are no edit', () => {
    const same = new Map([['labs/01-a/x.test.ts', sha256('x')]]);

    expect(hasEdits(compareTests(same, new Map(same)))).toBe(false);
  });
});

describe('testFilesIn and canonicalTests', () => {
  test('collects only test files under labs/, skipping node_modules', () => {
    const root = folder({
      'labs/01-a/x.test.ts': 'x',
      'labs/01-a/queries.ts': 'q',
      'labs/01-a/sub/y.spec.ts': 'y',
      'labs/01-a/node_modules/z.test.ts': 'z',
      'tools/t.test.ts': 't',
    });

    expect([...testFilesIn(root).keys()]).toEqual(['labs/01-a/sub/y.spec.ts', 'labs/01-a/x.test.ts']);
  });

  test('in a git checkout, the canonical copies are the committed ones', () => {
    const root = folder({ 'labs/01-a/x.test.ts': 'committed' });
    const git = (...args: string[]) => execFileSync('git', args, { cwd: root, stdio: 'ignore' });
    git('init', '-q');
    git('add', '.');
    git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'init');
    writeFileSync(path.join(root, 'labs/01-a/x.test.ts'), 'edited in the working tree');

    const canonical = canonicalTests(root);

    expect(canonical.source).toMatch(/^git HEAD [0-9a-f]+/);
    expect(canonical.files.get('labs/01-a/x.test.ts')?.toString()).toBe('committed');
    expect(compareTests(hashes(canonical.files), hashes(testFilesIn(root))).modified).toEqual(['labs/01-a/x.test.ts']);
  });

  test('outside git, the canonical copies are the files', () => {
    const root = folder({ 'labs/01-a/x.test.ts': 'plain' });

    const canonical = canonicalTests(root);

    expect(canonical.source).toBe(`files in ${root}`);
    expect(canonical.files.get('labs/01-a/x.test.ts')?.toString()).toBe('plain');
  });
});

describe('--tests-from', () => {
  const workbook = () =>
    folder({ 'labs/01-a/x.test.ts': 'canonical', 'labs/01-a/lab.json': '{"points":{}}', 'labs/01-a/a.ts': 'starter', 'solutions/01-a/a.ts': 'reference', 'tools/t.ts': 'not trusted' });
  const git = (cwd: string, ...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();

  test('a folder: its labs/ and solutions/NN-x/, with a digest over all of them', () => {
    const source = workbook();
    const trusted = canonicalTests(folder({}), source);
    expect([...trusted.files.keys()].sort()).toEqual(['labs/01-a/a.ts', 'labs/01-a/lab.json', 'labs/01-a/x.test.ts', 'solutions/01-a/a.ts']);
    expect([...onlyTests(trusted.files).keys()]).toEqual(['labs/01-a/x.test.ts']);
    expect(trusted.digest).toBe(digestOf(trusted.files));
    expect(trusted.digest).toMatch(/^[0-9a-f]{64}$/);
  });

  test('a commit of the graded repository: what the student committed since does not count', () => {
    const repo = workbook();
    git(repo, 'init', '-q');
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'template');
    const template = git(repo, 'rev-parse', 'HEAD');
    writeFileSync(path.join(repo, 'labs/01-a/x.test.ts'), 'emptied by the student');
    git(repo, 'commit', '-qam', 'student');

    const trusted = canonicalTests(folder({}), template, repo);
    expect(trusted.source).toContain(`(commit ${template.slice(0, 7)})`);
    expect(trusted.files.get('labs/01-a/x.test.ts')?.toString()).toBe('canonical');
  });

  test('a git URL (file://) is cloned at the given tag', () => {
    const repo = workbook();
    git(repo, 'init', '-q');
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'v1');
    git(repo, 'tag', 'v1');
    writeFileSync(path.join(repo, 'labs/01-a/x.test.ts'), 'later');
    git(repo, 'commit', '-qam', 'later');

    const trusted = canonicalTests(folder({}), `file://${repo}#v1`);
    expect(trusted.files.get('labs/01-a/x.test.ts')?.toString()).toBe('canonical');
  });

  test('a packed bundle gives the same files and digest as its source', () => {
    const source = workbook();
    const { json, digest } = packTests(source);
    const bundle = path.join(folder({}), 'tests.json');
    writeFileSync(bundle, json);
    const trusted = canonicalTests(folder({}), bundle);
    expect(trusted.digest).toBe(digest);
    expect(trusted.digest).toBe(canonicalTests(folder({}), source).digest);
  });

  test('a source that is none of these, or holds no tests, is a TestsSourceError', () => {
    expect(() => canonicalTests(folder({}), 'no-such-ref')).toThrow(TestsSourceError);
    expect(() => canonicalTests(folder({}), folder({ 'labs/01-a/a.ts': 'x' }))).toThrow(/holds no test files/);
  });
});
