// Type errors the tests cannot see: vitest strips types, so this code runs (and may pass).
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { ROOT } from '../labs/meta.ts';
import { formatTypeError, typecheckInWorker } from './typecheck.mjs';

const root = mkdtempSync(path.join(os.tmpdir(), 'workbook-typecheck-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

test("a lab's learner files are typechecked in a worker thread; only their own errors are reported, with file:line", async () => {
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(root, 'node_modules'));
  writeFileSync(path.join(root, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, types: [], lib: ['ES2023'] } }));
  mkdirSync(path.join(root, 'labs/05-x'), { recursive: true });
  writeFileSync(path.join(root, 'labs/05-x/other.ts'), 'export const broken: string = 1;\n');
  writeFileSync(path.join(root, 'labs/05-x/keys.ts'), "import { broken } from './other';\nexport const n: number = 'not a number';\nexport const b = broken;\n");

  const notes = await typecheckInWorker(root, ['labs/05-x/keys.ts']);

  expect(notes.map(formatTypeError)).toEqual(["labs/05-x/keys.ts:2:14 Type 'string' is not assignable to type 'number'."]);
});
