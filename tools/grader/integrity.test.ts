import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { canonicalTests, compareTests, hashes, hasEdits, sha256, testFilesIn } from './integrity.ts';

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
