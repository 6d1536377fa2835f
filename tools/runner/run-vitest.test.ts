import { expect, test } from 'vitest';
import { testWorkers } from './run-vitest.ts';

test("npm test's workers: one more than the cores (vitest's own default is one worker on 2 cores), at most 8", () => {
  expect([1, 2, 4, 16].map(testWorkers)).toEqual([2, 3, 5, 8]);
});
