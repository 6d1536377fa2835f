import { describe, expect, test } from 'vitest';
import { cleanMessage, isHarnessError, labOf, sourceFrame, summaryLine, tallyByLab, TestState, type TestOutcome } from './results.ts';

const root = '/work/book';
const frame = (file: string, line = 1) => ({ file: `${root}/${file}`, line, column: 5, method: '' });

describe('results helpers', () => {
  test('labOf reads the lab folder from a labs/ or solutions/ path', () => {
    expect(labOf('labs/01-sql-basics/users.test.ts')).toBe('01-sql-basics');
    expect(labOf('solutions/07-websocket-server/server.ts')).toBe('07-websocket-server');
    expect(labOf('tools/cli/args.test.ts')).toBeNull();
  });

  test("cleanMessage drops colours and vitest's Object.is footnote", () => {
    expect(cleanMessage('\u001b[31mcreateUser should return the id: expected 2 to be 3 // Object.is equality\u001b[39m')).toBe(
      'createUser should return the id: expected 2 to be 3',
    );
  });

  test('sourceFrame points at the first lab source file, not the test or the harness', () => {
    const error = {
      message: 'not implemented yet',
      stacks: [frame('node_modules/pg/lib/client.js'), frame('tools/testing/test-env.ts'), frame('labs/01-sql-basics/queries.ts', 42), frame('labs/01-sql-basics/users.test.ts', 9)],
    };

    expect(sourceFrame(error, root)).toEqual({ file: 'labs/01-sql-basics/queries.ts', line: 42, column: 5 });
    expect(sourceFrame({ message: 'x', stacks: [frame('labs/01-sql-basics/users.test.ts')] }, root)).toBeUndefined();
  });

  test('an error whose stack passes through the harness is a harness error', () => {
    expect(isHarnessError({ message: 'x', stacks: [frame('tools/testing/test-env.ts')] }, root)).toBe(true);
    expect(isHarnessError({ message: 'x', code: 'WORKBOOK_NO_SERVICES' }, root)).toBe(true);
    expect(isHarnessError({ message: 'x', stacks: [frame('labs/01-sql-basics/queries.ts')] }, root)).toBe(false);
  });

  test('summaryLine keeps the line that says what went wrong', () => {
    expect(summaryLine('Transform failed with 1 error:\n\n[PARSE_ERROR] Unexpected token\n   ╭─[ labs/01-a/x.ts:1:5 ]\n')).toBe(
      '[PARSE_ERROR] Unexpected token [ labs/01-a/x.ts:1:5 ]',
    );
    expect(summaryLine('expected 1 to be 2\nmore')).toBe('expected 1 to be 2');
  });

  test('tallyByLab counts per lab, skipped tests apart', () => {
    const t = (lab: string, state: TestState): TestOutcome => ({ lab, file: `labs/${lab}/a.test.ts`, name: 'n', fullName: 'n', group: null, state, durationMs: 0 });

    expect(tallyByLab([t('02-b', TestState.PASSED), t('01-a', TestState.FAILED), t('01-a', TestState.PASSED), t('01-a', TestState.SKIPPED)])).toEqual([
      { lab: '01-a', passed: 1, failed: 1, skipped: 1, total: 2 },
      { lab: '02-b', passed: 1, failed: 0, skipped: 0, total: 1 },
    ]);
  });
});
