import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { findLab, LabMetaSchema, listLabs, readLabMeta, ROOT, stepOf } from './meta.ts';
import { PLANNED_LABS } from './planned.ts';

const valid = (id: string) => ({
  id,
  part: 'postgres',
  title: { en: 'SQL basics', ko: 'SQL 기초' },
  files: ['queries.ts'],
  objectives: { en: ['a', 'b', 'c'], ko: ['가', '나', '다'] },
  steps: [
    {
      id: 'schema',
      title: { en: 'Tables', ko: '테이블' },
      files: ['queries.ts'],
      tests: ['schema'],
      lesson: '#schema',
      hints: [{ en: 'one', ko: '하나' }],
    },
  ],
  points: { 'schema': 2 },
});
const step = (change: object) => ({ steps: [{ ...valid('01-x').steps[0], ...change }] });

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
    ['no steps', { steps: [] }],
    ['a step with no hints', step({ hints: [] })],
    ['a hint without Korean', step({ hints: [{ en: 'one' }] })],
    ['a step file that is not a lab file', step({ files: ['other.ts'] })],
    ['a lesson that is not an anchor', step({ lesson: 'schema' })],
    ['a test in two steps', { steps: [valid('01-x').steps[0], { ...valid('01-x').steps[0], id: 'again' }] }],
    ['points for a describe in no step', { points: { other: 1 } }],
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

describe('the labs of this workbook', () => {
  const labs = listLabs(ROOT);
  const TOP_DESCRIBE = /^describe(?:\.\w+)*\(\s*(['"`])(.+?)\1/gm;

  test('every lab of the plan (DESIGN.md, tools/labs/planned.ts) exists, with the README saying so', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

    expect(PLANNED_LABS.filter((p) => !labs.some((lab) => lab.id.startsWith(`${p.number}-`))).map((p) => p.number)).toEqual([]);
    expect(readme, 'the README should not call any lab planned').not.toMatch(/planned|not written yet|coming soon/i);
  });

  test.each(labs.map((lab) => [lab.id, lab] as const))('%s: every top-level describe belongs to one step', (_, lab) => {
    const dir = path.join(ROOT, 'labs', lab.id);
    const titles = readdirSync(dir)
      .filter((f) => f.endsWith('.test.ts'))
      .flatMap((f) => [...readFileSync(path.join(dir, f), 'utf8').matchAll(TOP_DESCRIBE)].map((m) => m[2]!));

    expect(titles.filter((title) => !stepOf(lab, title)), 'describe titles no step of lab.json lists').toEqual([]);
    expect(lab.steps.flatMap((s) => s.tests).filter((t) => !titles.includes(t)), 'step tests no describe has').toEqual([]);
  });

  test.each(labs.map((lab) => [lab.id, lab] as const))('%s: the lesson pages take their objectives from lab.json', (_, lab) => {
    for (const page of [`docs/labs/${lab.id}.md`, `docs/ko/labs/${lab.id}.md`]) {
      const file = path.join(ROOT, page);
      if (!existsSync(file)) continue;
      const section = /^## (?:Objectives|목표)\n([\s\S]*?)(?=^## )/m.exec(readFileSync(file, 'utf8'))?.[1]?.trim();

      expect(section, `${page}: the Objectives section is just <LabObjectives /> (rendered from lab.json)`).toBe('<LabObjectives />');
    }
  });

  test.each(labs.map((lab) => [lab.id, lab] as const))('%s: every step anchor exists in both lesson pages', (_, lab) => {
    for (const page of [`docs/labs/${lab.id}.md`, `docs/ko/labs/${lab.id}.md`]) {
      const file = path.join(ROOT, page);
      if (!existsSync(file)) continue;
      const text = readFileSync(file, 'utf8');
      const missing = lab.steps.filter((s) => !new RegExp(`^#+ .*\\{${s.lesson}\\}\\s*$`, 'm').test(text)).map((s) => s.lesson);
      expect(missing, `${page} needs headings ending in {#anchor} for these steps`).toEqual([]);
    }
  });
});
