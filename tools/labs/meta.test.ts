import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { findLab, LabMetaSchema, listLabs, readLabMeta } from './meta.ts';

const valid = (id: string) => ({
  id,
  part: 'postgres',
  title: { en: 'SQL basics', ko: 'SQL 기초' },
  files: ['queries.ts'],
  objectives: { en: ['a', 'b', 'c'], ko: ['가', '나', '다'] },
  hints: { en: ['one'], ko: ['하나'] },
  points: { 'schema': 2 },
});

const roots: string[] = [];
function workbook(labs: Record<string, unknown>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'meta-test-'));
  roots.push(root);
  for (const [folder, meta] of Object.entries(labs)) {
    mkdirSync(path.join(root, 'labs', folder), { recursive: true });
    if (meta !== null) writeFileSync(path.join(root, 'labs', folder, 'lab.json'), JSON.stringify(meta));
  }
  return root;
}
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

describe('LabMetaSchema', () => {
  test('accepts a complete lab and defaults points to {}', () => {
    const { points, ...rest } = valid('01-sql-basics');
    void points;
    expect(LabMetaSchema.parse(rest).points).toEqual({});
  });

  test.each([
    ['an id without a number', { id: 'sql-basics' }],
    ['an unknown part', { part: 'mysql' }],
    ['two objectives instead of three', { objectives: { en: ['a', 'b'], ko: ['가', '나'] } }],
    ['a missing Korean title', { title: { en: 'x' } }],
    ['no learner files', { files: [] }],
    ['no hints', { hints: { en: [], ko: [] } }],
    ['negative points', { points: { schema: -1 } }],
  ])('rejects %s', (_, change) => {
    expect(LabMetaSchema.safeParse({ ...valid('01-sql-basics'), ...change }).success).toBe(false);
  });
});

describe('readLabMeta / listLabs / findLab', () => {
  test('the id must match the folder name', () => {
    const root = workbook({ '01-sql-basics': valid('02-sql-advanced') });

    expect(() => readLabMeta(path.join(root, 'labs', '01-sql-basics'))).toThrow(/must match its folder name/);
  });

  test('an invalid file names the file and the field', () => {
    const root = workbook({ '01-sql-basics': { ...valid('01-sql-basics'), part: 'mysql' } });

    expect(() => readLabMeta(path.join(root, 'labs', '01-sql-basics'))).toThrow(/01-sql-basics\/lab\.json is not a valid lab meta file[\s\S]*part/);
  });

  test('lists labs in order and skips folders without lab.json', () => {
    const root = workbook({ '02-sql-advanced': valid('02-sql-advanced'), '01-sql-basics': valid('01-sql-basics'), '00-smoke': null });

    expect(listLabs(root).map((l) => l.id)).toEqual(['01-sql-basics', '02-sql-advanced']);
  });

  test.each([['1'], ['01'], ['01-sql-basics']])('finds a lab by "%s"', (query) => {
    const root = workbook({ '01-sql-basics': valid('01-sql-basics'), '11-n-plus-one': valid('11-n-plus-one') });

    expect(findLab(query, root)?.id).toBe('01-sql-basics');
  });

  test('an unknown lab is undefined, and "1" does not match lab 11', () => {
    const root = workbook({ '11-n-plus-one': valid('11-n-plus-one') });

    expect(findLab('1', root)).toBeUndefined();
    expect(findLab('11', root)?.id).toBe('11-n-plus-one');
  });
});
