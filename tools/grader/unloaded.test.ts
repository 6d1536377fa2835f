import { describe, expect, test } from 'vitest';
import { findLab, ROOT } from '../labs/meta.ts';
import { ProblemKind, TestState, type Problem } from '../runner/results.ts';
import { Target } from '../vitest/target-plugin.ts';
import { unloadedAsFailed } from './unloaded.ts';
import { createWorkspace } from './workspace.ts';

const lab = findLab('05', ROOT)!;
// A test file only the trusted tests have (as when --tests-from names a newer set): this
// workbook's own labs/ cannot say how many tests it holds, only the trusted files can.
const FILE = `labs/${lab.id}/trusted-only.test.ts`;
const trusted = new Map([
  [FILE, Buffer.from("import { describe, test } from 'vitest';\ndescribe('keys', () => {\n  test('one', () => {});\n  test('two', () => {});\n  test('three', () => {});\n});\n")],
]);
const openTrusted = () => createWorkspace({ canonicalRoot: ROOT, gradedRoot: null, target: Target.STARTER, labs: [lab], trusted });

describe('unloadedAsFailed', () => {
  test("counts an unloaded file's tests from the trusted tests, each one failed with the reason", async () => {
    const problems: Problem[] = [{ kind: ProblemKind.LOAD, lab: lab.id, file: FILE, message: 'SyntaxError: Unexpected token' }];

    const tests = await unloadedAsFailed(problems, openTrusted);

    expect(tests.map((t) => [t.file, t.name, t.state])).toEqual([
      [FILE, 'one', TestState.FAILED],
      [FILE, 'two', TestState.FAILED],
      [FILE, 'three', TestState.FAILED],
    ]);
    expect(tests[0]?.failure?.message).toBe(`not run: ${FILE} could not be loaded (SyntaxError: Unexpected token)`);
  });

  test('opens no reference workspace when every file loaded', async () => {
    const problems: Problem[] = [{ kind: ProblemKind.UNHANDLED, lab: lab.id, file: FILE, message: 'boom' }];

    const tests = await unloadedAsFailed(problems, () => {
      throw new Error('should not open a workspace');
    });

    expect(tests).toEqual([]);
  });
});
