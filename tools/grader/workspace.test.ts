import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import type { LabMeta } from '../labs/meta.ts';
import { Target } from '../vitest/target-plugin.ts';
import { createWorkspace } from './workspace.ts';

const dirs: string[] = [];
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'workspace-test-'));
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

const lab = { id: '01-a', files: ['a.ts'] } as LabMeta;
const canonical = () =>
  tree({
    'package.json': '{}',
    'vitest.config.ts': '// config',
    'tools/x.ts': '// tools',
    'labs/01-a/lab.json': '{"points":{"all":10}}',
    'labs/01-a/a.ts': 'starter',
    'labs/01-a/fixture.txt': 'fixture',
    'labs/01-a/a.test.ts': 'working-tree test',
    'solutions/01-a/a.ts': 'reference',
  });
const tests = new Map([['labs/01-a/a.test.ts', Buffer.from('canonical test')]]);
const read = (root: string, file: string) => readFileSync(path.join(root, file), 'utf8');

describe('createWorkspace', () => {
  test("starter: the graded learner files and new helpers, everything else the workbook's own", () => {
    const graded = tree({
      'labs/01-a/a.ts': 'learner work',
      'labs/01-a/helper.ts': 'learner helper',
      'labs/01-a/a.test.ts': 'expect(true).toBe(true)',
      'labs/01-a/lab.json': '{"points":{"all":1000}}',
      'labs/01-a/fixture.txt': 'edited fixture',
      'vitest.config.ts': '// a config that skips everything',
    });

    const ws = createWorkspace({ canonicalRoot: canonical(), gradedRoot: graded, target: Target.STARTER, labs: [lab], trusted: tests });
    try {
      expect(read(ws.root, 'labs/01-a/a.ts')).toBe('learner work');
      expect(read(ws.root, 'labs/01-a/helper.ts')).toBe('learner helper');
      expect(read(ws.root, 'labs/01-a/a.test.ts')).toBe('canonical test');
      expect(read(ws.root, 'labs/01-a/lab.json')).toBe('{"points":{"all":10}}');
      expect(read(ws.root, 'labs/01-a/fixture.txt')).toBe('fixture');
      expect(read(ws.root, 'vitest.config.ts')).toBe('// config');
      expect(read(ws.root, 'solutions/01-a/a.ts')).toBe('reference');
      expect(lstatSync(path.join(ws.root, 'tools')).isSymbolicLink()).toBe(true);
    } finally {
      ws.close();
    }
    expect(existsSync(ws.root)).toBe(false);
  });

  test('starter: a lab folder missing from the graded checkout is graded as the untouched starter', () => {
    const ws = createWorkspace({ canonicalRoot: canonical(), gradedRoot: tree({ 'labs/.keep': '' }), target: Target.STARTER, labs: [lab], trusted: tests });
    try {
      expect(read(ws.root, 'labs/01-a/a.ts')).toBe('starter');
    } finally {
      ws.close();
    }
  });

  test('solution: the graded reference files; none there means none in the workspace', () => {
    const withReference = createWorkspace({ canonicalRoot: canonical(), gradedRoot: tree({ 'solutions/01-a/a.ts': 'their reference' }), target: Target.SOLUTION, labs: [lab], trusted: tests });
    const without = createWorkspace({ canonicalRoot: canonical(), gradedRoot: tree({ 'labs/01-a/a.ts': 'x' }), target: Target.SOLUTION, labs: [lab], trusted: tests });
    try {
      expect(read(withReference.root, 'solutions/01-a/a.ts')).toBe('their reference');
      expect(read(withReference.root, 'labs/01-a/a.ts')).toBe('starter');
      expect(existsSync(path.join(without.root, 'solutions/01-a/a.ts'))).toBe(false);
    } finally {
      withReference.close();
      without.close();
    }
  });
});
