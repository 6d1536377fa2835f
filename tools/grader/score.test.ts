import { describe, expect, test } from 'vitest';
import { TestState, type TestOutcome } from '../runner/results.ts';
import { overallScore, scoreLab } from './score.ts';

const outcome = (name: string, group: string | null, state: TestState): TestOutcome => ({
  lab: '01-sql-basics',
  file: 'labs/01-sql-basics/a.test.ts',
  name,
  fullName: group ? `${group} > ${name}` : name,
  group,
  state,
  durationMs: 1,
  ...(state === TestState.FAILED ? { failure: { message: `${name} broke` } } : {}),
});

describe('scoreLab', () => {
  test('without points, every test is worth 1', () => {
    const s = scoreLab([outcome('a', null, TestState.PASSED), outcome('b', 'x', TestState.FAILED), outcome('c', 'x', TestState.PASSED)], {});

    expect(s).toMatchObject({ passed: 2, failed: 1, total: 3, earned: 2, possible: 3, score: 0.6667 });
  });

  test("a listed describe's points are shared equally by its tests", () => {
    const tests = [
      outcome('a', 'schema', TestState.PASSED),
      outcome('b', 'schema', TestState.FAILED),
      outcome('c', 'schema', TestState.PASSED),
      outcome('d', 'schema', TestState.PASSED),
      outcome('e', null, TestState.FAILED),
    ];

    const s = scoreLab(tests, { schema: 6 });

    expect(s.tests.map((t) => t.points)).toEqual([1.5, 1.5, 1.5, 1.5, 1]);
    expect(s.tests.map((t) => t.earned)).toEqual([1.5, 0, 1.5, 1.5, 0]);
    expect(s).toMatchObject({ earned: 4.5, possible: 7, score: 0.6429 });
  });

  test('skipped tests are worth nothing and do not dilute their block', () => {
    const s = scoreLab([outcome('a', 'schema', TestState.PASSED), outcome('b', 'schema', TestState.SKIPPED)], { schema: 4 });

    expect(s.tests.map((t) => t.points)).toEqual([4, 0]);
    expect(s).toMatchObject({ passed: 1, failed: 0, total: 1, score: 1 });
  });

  test('a lab with no tests scores 0, not NaN', () => {
    expect(scoreLab([], { schema: 3 })).toMatchObject({ total: 0, possible: 0, score: 0 });
  });

  test('failed tests keep their message', () => {
    expect(scoreLab([outcome('a', null, TestState.FAILED)], {}).tests[0]!.message).toBe('a broke');
  });
});

describe('overallScore', () => {
  test('is the mean of the labs, each lab weighing the same', () => {
    expect(overallScore([1, 0.5, 0])).toBe(0.5);
    expect(overallScore([1, 1, 0.25])).toBe(0.75);
  });

  test('is 0 with no labs', () => {
    expect(overallScore([])).toBe(0);
  });
});

describe('rounding', () => {
  test('three tests sharing 10 points earn exactly 10 together', () => {
    const tests = ['a', 'b', 'c'].map((n) => outcome(n, 'all', TestState.PASSED));

    const s = scoreLab(tests, { all: 10 });

    expect(s.tests[0]!.points).toBe(3.3333);
    expect(s).toMatchObject({ earned: 10, possible: 10, score: 1 });
  });
});
