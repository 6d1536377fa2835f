import { describe, expect, test } from 'vitest';
import { ProblemKind, TestState, type RunReport, type TestOutcome } from '../runner/results.ts';
import { currentStepOf, formatFailure, formatProblem, formatRun, inStepOrder, verdictOf } from './format-run.ts';
import { namePattern } from './run-lab.ts';

// Under vitest stdout is not a terminal, so the output has no colour codes.
const options = { learnerFiles: ['labs/01-a/users.ts', 'labs/01-a/posts.ts'], importsOf: () => ['labs/01-a/users.ts'] };
const failed = (failure: TestOutcome['failure']): TestOutcome => ({
  lab: '01-a',
  file: 'labs/01-a/users.test.ts',
  name: 'renames',
  fullName: 'CRUD > renames',
  group: 'CRUD',
  state: TestState.FAILED,
  line: 12,
  durationMs: 3,
  failure,
});

describe('formatFailure', () => {
  test('names the behaviour, shows expected vs actual and the file to open', () => {
    const text = formatFailure(failed({ message: 'renameUser should return the row', expected: "'Ann'", actual: 'undefined', source: { file: 'labs/01-a/users.ts', line: 42, column: 3 }, testLine: 30 }), 1, options);

    expect(text.split('\n')).toEqual([
      '1) CRUD › renames',
      '   renameUser should return the row',
      "   expected: 'Ann'",
      '   actual:   undefined',
      '   open: labs/01-a/users.ts:42   test: labs/01-a/users.test.ts:30',
    ]);
  });

  test('without a stack frame in a lab file, it names the learner files the test imports', () => {
    expect(formatFailure(failed({ message: 'column "email" does not exist' }), 2, options)).toContain('open: labs/01-a/users.ts   test: labs/01-a/users.test.ts:12');
  });

  test('multi-line values come as a diff', () => {
    const text = formatFailure(failed({ message: 'rows differ', expected: '[\n  1,\n]', actual: '[\n  2,\n]', diff: '- Expected\n+ Received\n\n  [\n-   1,\n+   2,\n  ]' }), 1, options);

    expect(text).toContain('   -   1,\n   +   2,');
    expect(text).not.toContain('expected:');
  });

  test('says when a beforeAll hook kept the test from running', () => {
    expect(formatFailure(failed({ message: 'not implemented yet', inHook: true }), 1, options)).toContain('a beforeAll hook of this test threw');
  });

  test("a starter's not-implemented error reads in Korean with --lang ko, and stays as written in English", () => {
    const starter = failed({ message: 'Not implemented yet: backoffDelay (labs/08-websocket-client/backoff.ts)' });
    const todo = failed({ message: 'TODO: keys.user(7) in keys.ts' });

    expect(formatFailure(starter, 1, { ...options, lang: 'ko' })).toContain('아직 구현하지 않은 스타터 코드입니다: backoffDelay (labs/08-websocket-client/backoff.ts)');
    expect(formatFailure(todo, 1, { ...options, lang: 'ko' })).toContain('아직 구현하지 않은 스타터 코드입니다: keys.user(7) in keys.ts');
    expect(formatFailure(starter, 1, options)).toContain('Not implemented yet: backoffDelay (labs/08-websocket-client/backoff.ts)');
  });
});

const report = (over: Partial<RunReport>): RunReport => ({ project: 'starter', root: '/book', tests: [], problems: [], durationMs: 1, ...over });

describe('problems and verdicts', () => {
  test('a set-up problem says it is not a verdict on the code', () => {
    const text = formatProblem({ kind: ProblemKind.SETUP, lab: null, message: 'Redis at redis://127.0.0.1:6379 did not answer' });

    expect(text).toContain('The test harness could not start');
    expect(text).toContain('not a verdict on your code');
    expect(text).toContain('npm run lab -- doctor');
  });

  test('a file that does not load is not a failed test', () => {
    expect(formatProblem({ kind: ProblemKind.LOAD, lab: '01-a', file: 'labs/01-a/users.test.ts', message: 'SyntaxError' })).toContain('this is not a failed test');
  });

  test('verdictOf: problems make the run broken; failures alone do not', () => {
    expect(verdictOf(report({ problems: [{ kind: ProblemKind.SETUP, lab: null, message: 'x' }] }))).toEqual({ passed: 0, failed: 0, total: 0, broken: true });
    expect(verdictOf(report({ tests: [failed({ message: 'x' })] }))).toEqual({ passed: 0, failed: 1, total: 1, broken: false });
  });

  test('formatRun lists every test, then the details of the first failures', () => {
    const text = formatRun(report({ tests: [{ ...failed(undefined), state: TestState.PASSED, name: 'creates', fullName: 'CRUD > creates' }, failed({ message: 'boom' })] }), options);

    expect(text).toContain('labs/01-a/users.test.ts\n  ✓ CRUD › creates\n  ✗ CRUD › renames');
    expect(text).toContain('1) CRUD › renames\n   boom');
  });
});

describe('lesson order', () => {
  const step = (id: string, tests: string[], files = [`${id}.ts`]) => ({ id, title: { en: id, ko: id }, files, tests, lesson: `#${id}`, hints: [{ en: 'h', ko: 'h' }] });
  const lab = { id: '05-a', steps: [step('keys', ['keys']), step('strings', ['strings and TTL', 'delete and exists']), step('queue', ['reliable queue'])] };
  const outcome = (group: string, file: string, state: TestOutcome['state'] = TestState.FAILED): TestOutcome => ({
    ...failed({ message: 'x' }),
    group,
    file,
    fullName: `${group} > t`,
    state,
  });

  test('failures are ordered by step, whatever their file is called', () => {
    const tests = [outcome('reliable queue', 'labs/05-a/a.test.ts'), outcome('delete and exists', 'labs/05-a/s.test.ts'), outcome('keys', 'labs/05-a/z.test.ts')];

    expect(inStepOrder(lab, tests).map((t) => t.group)).toEqual(['keys', 'delete and exists', 'reliable queue']);
    expect(currentStepOf(lab, tests)?.id).toBe('keys');
    expect(currentStepOf(lab, [outcome('keys', 'k', TestState.PASSED), ...tests.slice(0, 2)])?.id).toBe('strings');
  });

  test('the list is grouped under step headings with their files', () => {
    const text = formatRun(report({ tests: [outcome('reliable queue', 'labs/05-a/a.test.ts'), outcome('keys', 'labs/05-a/z.test.ts', TestState.PASSED)] }), { ...options, lab });

    expect(text).toMatch(/Step 1 · keys \(keys\.ts\)\n {2}✓ keys › t\nStep 3 · queue \(queue\.ts\)\n {2}✗ reliable queue › t/);
  });

  test('--step matches the names under its describes; -t narrows further', () => {
    const pattern = new RegExp(namePattern(lab.steps[1], undefined)!);
    expect(pattern.test('strings and TTL a session is stored')).toBe(true);
    expect(pattern.test('delete and exists exists is a boolean')).toBe(true);
    expect(pattern.test('keys strings and TTL')).toBe(false);
    const narrowed = new RegExp(namePattern(lab.steps[1], 'boolean')!);
    expect(narrowed.test('delete and exists exists is a boolean')).toBe(true);
    expect(narrowed.test('strings and TTL a session is stored')).toBe(false);
    expect(namePattern(undefined, 'recover')).toBe('recover');
  });
});
