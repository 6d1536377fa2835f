// compare() as data: every task runs the same number of times, interleaved in a shuffled order,
// and the baseline's ratio is exactly 1. (What the figures are is for `npm run bench`, not a test.)
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { compareTasks, percentile, takeRecord } from './context.ts';
import { rejected } from '../testing/settled.ts';

describe('compareTasks', () => {
  // It prints its table: keep the test output clean.
  beforeEach(() => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  test('runs each task equally often, in varying orders, and reports the baseline at 1.00x', async () => {
    const order: string[] = [];
    const task = (name: string) => () => {
      order.push(name);
    };

    const rows = await compareTasks('t', { a: task('a'), b: task('b'), c: task('c') }, { quick: true, rounds: 2, timeMs: 5, iterations: 30, baseline: 'b' });

    expect(rows.map((r) => r.task)).toEqual(['a', 'b', 'c']);
    expect(new Set(rows.map((r) => r.calls)).size, 'every task is called as often as the others').toBe(1);
    expect(rows[1]).toMatchObject({ ratio: 1, ratioMin: 1, ratioMax: 1 });
    const passes = new Set<string>();
    for (let i = 0; i + 3 <= order.length; i += 3) passes.add(order.slice(i, i + 3).join(''));
    expect(passes.size, 'the order of the tasks changes from pass to pass').toBeGreaterThan(1);
    expect(takeRecord().comparisons.map((c) => c.baseline)).toEqual(['b']);
  });

  test('an unknown baseline is an error that names it', async () => {
    (await rejected(compareTasks('t', { a: () => {} }, { quick: true, baseline: 'nope' }))).toHaveProperty('message', expect.stringMatching(/baseline "nope"/));
  });
});

describe('percentile', () => {
  test('nearest rank', () => {
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 99)).toBe(10);
    expect(percentile([], 50)).toBeNaN();
  });
});
