import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { solutionPathFor } from './target-plugin.ts';

const root = path.resolve('/work/book');
const labs = path.join(root, 'labs');
const solutions = path.join(root, 'solutions');

describe('solutionPathFor', () => {
  test('a lab source file maps to the same name under solutions/', () => {
    expect(solutionPathFor(path.join(labs, '01-sql-basics', 'queries.ts'), labs, solutions)).toBe(path.join(solutions, '01-sql-basics', 'queries.ts'));
  });

  test('nested files keep their sub-folder', () => {
    expect(solutionPathFor(path.join(labs, '09-video-progress', 'lib', 'parse.ts'), labs, solutions)).toBe(
      path.join(solutions, '09-video-progress', 'lib', 'parse.ts'),
    );
  });

  test.each(['x.test.ts', 'x.spec.ts', 'x.test.mts', 'x.spec.js'])('a test file (%s) is never redirected', (name) => {
    expect(solutionPathFor(path.join(labs, '01-sql-basics', name), labs, solutions)).toBeNull();
  });

  test('files outside labs/ are left alone', () => {
    expect(solutionPathFor(path.join(root, 'tools', 'harness', 'test-env.ts'), labs, solutions)).toBeNull();
    expect(solutionPathFor(path.join(solutions, '01-sql-basics', 'queries.ts'), labs, solutions)).toBeNull();
    expect(solutionPathFor(path.join(root, 'labs-extra', 'a.ts'), labs, solutions)).toBeNull();
  });

  test('a file directly in labs/ belongs to no lab', () => {
    expect(solutionPathFor(path.join(labs, 'README.ts'), labs, solutions)).toBeNull();
  });
});
