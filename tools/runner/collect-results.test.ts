// collectResults decides what is a failed test and what is a set-up problem: the heart of
// "a harness crash never reads as a failed lab". Fed with objects shaped like vitest's.
import { describe, expect, test } from 'vitest';
import type { TestModule } from 'vitest/node';
import { collectResults, ProblemKind, TestState } from './results.ts';

const root = '/book';
type Err = { message: string; stacks?: Array<{ file: string; line: number; column: number; method: string }>; expected?: string; actual?: string };
const at = (file: string, line = 1) => ({ file: `${root}/${file}`, line, column: 3, method: '' });

interface FakeSuite {
  type: 'suite';
  name: string;
  parent: FakeSuite | FakeModule;
  errors(): Err[];
}
interface FakeModule {
  type: 'module';
  moduleId: string;
  project: { name: string };
  errors(): Err[];
  state(): string;
  children: { allTests(): unknown[]; allSuites(): FakeSuite[] };
}

function fakeModule(file: string, spec: { errors?: Err[]; suites?: Record<string, Err[]>; tests?: Array<{ name: string; suite?: string; state: string; error?: Err; mode?: string }> }) {
  const tests: unknown[] = [];
  const suites: FakeSuite[] = [];
  const module: FakeModule = {
    type: 'module',
    moduleId: `${root}/${file}`,
    project: { name: 'solution' },
    errors: () => spec.errors ?? [],
    state: () => 'failed',
    children: { allTests: () => tests, allSuites: () => suites },
  };
  for (const [name, errors] of Object.entries(spec.suites ?? {})) suites.push({ type: 'suite', name, parent: module, errors: () => errors });
  for (const t of spec.tests ?? []) {
    const parent = t.suite ? suites.find((s) => s.name === t.suite)! : module;
    tests.push({
      name: t.name,
      fullName: t.suite ? `${t.suite} > ${t.name}` : t.name,
      parent,
      location: { line: 10, column: 3 },
      options: { mode: t.mode ?? 'run' },
      diagnostic: () => ({ duration: 12.4 }),
      result: () => ({ state: t.state, errors: t.error ? [t.error] : undefined }),
    });
  }
  return module as unknown as TestModule;
}

describe('collectResults', () => {
  test('a failed assertion becomes a failed test with expected, actual and the lab file to open', () => {
    const module = fakeModule('labs/01-a/users.test.ts', {
      suites: { CRUD: [] },
      tests: [
        { name: 'creates', suite: 'CRUD', state: 'passed' },
        {
          name: 'renames',
          suite: 'CRUD',
          state: 'failed',
          error: { message: 'renameUser should return the row: expected undefined to be 1 // Object.is equality', expected: '1', actual: 'undefined', stacks: [at('labs/01-a/users.ts', 42), at('labs/01-a/users.test.ts', 30)] },
        },
      ],
    });

    const { tests, problems } = collectResults([module], [], root);

    expect(problems).toEqual([]);
    expect(tests).toHaveLength(2);
    expect(tests[1]).toEqual({
      project: 'solution',
      lab: '01-a',
      file: 'labs/01-a/users.test.ts',
      name: 'renames',
      fullName: 'CRUD > renames',
      group: 'CRUD',
      state: TestState.FAILED,
      line: 10,
      durationMs: 12,
      failure: {
        message: 'renameUser should return the row: expected undefined to be 1',
        expected: '1',
        actual: 'undefined',
        source: { file: 'labs/01-a/users.ts', line: 42, column: 3 },
        testLine: 30,
      },
    });
  });

  test('a file that collected no test is a load problem, not a failed test', () => {
    const module = fakeModule('labs/01-a/users.test.ts', { errors: [{ message: 'Transform failed with 1 error:\n[PARSE_ERROR] Unexpected token', stacks: [] }] });

    const { tests, problems } = collectResults([module], [], root);

    expect(tests).toEqual([]);
    expect(problems).toEqual([{ kind: ProblemKind.LOAD, project: 'solution', lab: '01-a', file: 'labs/01-a/users.test.ts', message: 'Transform failed with 1 error:\n[PARSE_ERROR] Unexpected token' }]);
  });

  test("a beforeAll of the learner's code that throws fails the tests it guarded", () => {
    const hookError = { message: 'not implemented yet: createSchema', stacks: [at('labs/01-a/schema.ts', 7), at('labs/01-a/users.test.ts', 5)] };
    const module = fakeModule('labs/01-a/users.test.ts', {
      suites: { schema: [hookError] },
      tests: [
        { name: 'has a unique email', suite: 'schema', state: 'skipped' },
        { name: 'was skipped on purpose', suite: 'schema', state: 'skipped', mode: 'skip' },
      ],
    });

    const { tests, problems } = collectResults([module], [], root);

    expect(problems).toEqual([]);
    expect(tests[0]).toMatchObject({ state: TestState.FAILED, failure: { message: 'not implemented yet: createSchema', inHook: true, source: { file: 'labs/01-a/schema.ts', line: 7 } } });
    expect(tests[1]!.state).toBe(TestState.SKIPPED);
  });

  test("a hook of the harness that throws is a problem: the tests stay unjudged", () => {
    const harnessError = { message: 'connect ECONNREFUSED 127.0.0.1:5432', stacks: [at('tools/testing/test-env.ts', 70)] };
    const module = fakeModule('labs/01-a/users.test.ts', { errors: [harnessError], tests: [{ name: 'creates', state: 'skipped' }] });

    const { tests, problems } = collectResults([module], [], root);

    expect(tests[0]!.state).toBe(TestState.SKIPPED);
    expect(problems).toMatchObject([{ kind: ProblemKind.HOOK, lab: '01-a', message: 'connect ECONNREFUSED 127.0.0.1:5432' }]);
  });

  test('errors outside any test are reported as unhandled problems', () => {
    const { problems } = collectResults([], [{ message: "Unhandled 'error' event", stacks: [at('labs/07-ws/server.ts', 3)] }], root);

    expect(problems).toEqual([{ kind: ProblemKind.UNHANDLED, lab: '07-ws', message: "Unhandled 'error' event", where: ['labs/07-ws/server.ts:3:3'] }]);
  });

  test('an unhandled error names the test file and test that were running', () => {
    const error = { message: 'Not implemented yet: reconnect', VITEST_TEST_PATH: `${root}/labs/08-client/client.test.ts`, VITEST_TEST_NAME: 'reconnects' };

    const { problems } = collectResults([], [error], root);

    expect(problems).toEqual([
      { kind: ProblemKind.UNHANDLED, lab: '08-client', file: 'labs/08-client/client.test.ts', message: 'Not implemented yet: reconnect\n(thrown while "reconnects" was running)' },
    ]);
  });
});
