import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { TestState } from '../runner/results.ts';
import { findLab, ROOT } from '../labs/meta.ts';
import { nextHint, showHint } from './hint.ts';
import { afterRun, LabStatus, ProgressStore, statusOf, tallySteps } from './progress.ts';

const dirs: string[] = [];
const tempStore = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'progress-test-'));
  dirs.push(dir);
  return ProgressStore.in(dir);
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('afterRun', () => {
  const now = new Date('2026-11-26T10:00:00Z');

  test('all passing is done; any failure is failing with its counts; a setup problem is broken', () => {
    expect(afterRun(undefined, { passed: 5, failed: 0, total: 5, broken: false }, now)).toEqual({
      status: LabStatus.DONE,
      passed: 5,
      failed: 0,
      total: 5,
      lastRun: '2026-11-26T10:00:00.000Z',
    });
    expect(afterRun(undefined, { passed: 2, failed: 3, total: 5, broken: false }, now)).toMatchObject({ status: LabStatus.FAILING, failed: 3, total: 5 });
    expect(afterRun(undefined, { passed: 0, failed: 0, total: 0, broken: true }, now)).toMatchObject({ status: LabStatus.BROKEN });
  });

  test('a run with no tests is not done', () => {
    expect(afterRun(undefined, { passed: 0, failed: 0, total: 0, broken: false }, now).status).toBe(LabStatus.FAILING);
  });

  test('keeps the hints already shown', () => {
    expect(afterRun({ hints: { keys: 2 } }, { passed: 1, failed: 0, total: 1, broken: false }, now).hints).toEqual({ keys: 2 });
  });

  test('a lab never run is not started', () => {
    expect(statusOf(undefined)).toBe(LabStatus.NOT_STARTED);
    expect(statusOf({ hints: { keys: 1 } })).toBe(LabStatus.NOT_STARTED);
  });
});

describe('ProgressStore', () => {
  test('starts empty, writes a plain JSON file, reads it back', () => {
    const store = tempStore();

    expect(store.read()).toEqual({ version: 1, labs: {} });
    store.update('01-sql-basics', () => ({ status: LabStatus.FAILING, passed: 1, failed: 2, total: 3 }));

    expect(JSON.parse(readFileSync(store.file, 'utf8'))).toEqual({
      version: 1,
      labs: { '01-sql-basics': { status: 'failing', passed: 1, failed: 2, total: 3 } },
    });
    expect(store.lab('01-sql-basics')?.failed).toBe(2);
  });

  test('returning undefined removes the lab', () => {
    const store = tempStore();
    store.update('01-sql-basics', () => ({ status: LabStatus.DONE }));

    store.update('01-sql-basics', () => undefined);

    expect(store.read().labs).toEqual({});
  });

  test.each([['not json at all'], ['{"version": 7}'], ['']])('a damaged file (%j) reads as a fresh start', (content) => {
    const store = tempStore();
    mkdirSync(path.dirname(store.file), { recursive: true });
    writeFileSync(store.file, content);

    expect(store.read()).toEqual({ version: 1, labs: {} });
  });
});

describe('nextHint', () => {
  const hints = ['first', 'second', 'third'];

  test('shows one hint at a time, in order', () => {
    expect(nextHint(hints, 0)).toEqual({ number: 1, text: 'first' });
    expect(nextHint(hints, 2)).toEqual({ number: 3, text: 'third' });
  });

  test('after the last one there is no next hint', () => {
    expect(nextHint(hints, 3).number).toBeNull();
    expect(nextHint(hints, 9).number).toBeNull();
  });
});

describe('showHint', () => {
  const lab = findLab('01', ROOT)!;
  const title = (lang: 'en' | 'ko') => lab.steps[0]!.title[lang];

  test('the heading names the step as the rest of the runner does: "1단계(title)", "step 1 (title)"', () => {
    const ko = showHint(lab, 'ko', tempStore(), 1).split('\n')[0];
    const en = showHint(lab, 'en', tempStore(), 1).split('\n')[0];

    expect(ko).toBe(`힌트 1/${lab.steps[0]!.hints.length} · 1단계(${title('ko')}) · 실습 01 · ${lab.title.ko}`);
    expect(en).toBe(`Hint 1 of ${lab.steps[0]!.hints.length} · step 1 (${title('en')}) · lab 01 · ${lab.title.en}`);
  });

  test('after the last hint, the summary names the step the same way (ko)', () => {
    const store = tempStore();
    store.update(lab.id, () => ({ hints: { [lab.steps[0]!.id]: lab.steps[0]!.hints.length } }));

    expect(showHint(lab, 'ko', store, 1).split('\n')[0]).toBe(`1단계(${title('ko')})의 힌트 ${lab.steps[0]!.hints.length}개를 모두 보았습니다:`);
  });
});

describe('tallySteps', () => {
  const lab = { steps: [{ id: 'schema', tests: ['schema'] }, { id: 'crud', tests: ['crud'] }] } as unknown as Parameters<typeof tallySteps>[0];
  const tests = [
    { group: 'schema', state: TestState.PASSED },
    { group: 'crud', state: TestState.PASSED },
    { group: 'crud', state: TestState.FAILED },
  ];

  test('a step is done when all its tests passed', () => {
    expect(tallySteps(lab, tests)).toEqual({ schema: true, crud: false });
  });

  test('after -t only some of a step may have run: its failures count, its passes do not make it done', () => {
    expect(tallySteps(lab, tests, true)).toEqual({ crud: false });
  });
});
