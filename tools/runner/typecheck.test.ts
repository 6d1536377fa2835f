// Type errors the tests cannot see: vitest strips types, so this code runs (and may pass).
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { ROOT } from '../labs/meta.ts';
import { cachedTypecheck, formatTypeError, typecheckInBackground, typecheckSession } from './typecheck.mjs';

const root = mkdtempSync(path.join(os.tmpdir(), 'workbook-typecheck-'));
// One session for the tests after the first: TypeScript's own declarations are parsed once.
const session = typecheckSession();
afterAll(() => {
  session.close();
  rmSync(root, { recursive: true, force: true });
});

test("a lab's learner files are typechecked in a child process; only their own errors are reported, with file:line; the answer is cached until a file changes", async () => {
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(root, 'node_modules'));
  writeFileSync(path.join(root, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, types: [], lib: ['ES2023'] } }));
  mkdirSync(path.join(root, 'labs/05-x'), { recursive: true });
  writeFileSync(path.join(root, 'labs/05-x/other.ts'), 'export const broken: string = 1;\n');
  writeFileSync(path.join(root, 'labs/05-x/keys.ts'), "import { broken } from './other';\nexport const n: number = 'not a number';\nexport const b = broken;\n");

  const notes = await typecheckInBackground(root, ['labs/05-x/keys.ts']);

  expect(notes.map(formatTypeError)).toEqual(["labs/05-x/keys.ts:2:14 Type 'string' is not assignable to type 'number'."]);
  expect(cachedTypecheck(root, ['labs/05-x/keys.ts'])).toEqual(notes);
  writeFileSync(path.join(root, 'labs/05-x/other.ts'), 'export const broken: string = "fixed";\n');
  expect(cachedTypecheck(root, ['labs/05-x/keys.ts']), 'an imported file changed: the cached answer is stale').toBeNull();
});

test('a check that could not resolve an import is not cached (creating the missing file changes the answer)', async () => {
  writeFileSync(path.join(root, 'labs/05-x/lonely.ts'), "export { x } from './missing.ts';\n");

  const notes = await session.check(root, ['labs/05-x/lonely.ts']);

  expect(notes.map((n) => n.code)).toEqual([2307]);
  expect(cachedTypecheck(root, ['labs/05-x/lonely.ts'])).toBeNull();
});

test('a --watch session keeps parsed files between checks and still sees every save', async () => {
  writeFileSync(path.join(root, 'labs/05-x/watched.ts'), "export const n: number = 'one';\n");

  const before = await session.check(root, ['labs/05-x/watched.ts']);
  writeFileSync(path.join(root, 'labs/05-x/watched.ts'), 'export const n: number = 1;\n');
  const after = await session.check(root, ['labs/05-x/watched.ts']);

  expect(before.map(formatTypeError)).toEqual(["labs/05-x/watched.ts:1:14 Type 'string' is not assignable to type 'number'."]);
  expect(after).toEqual([]);
});
