// Paths of a lab's files, relative to the workbook root (forward slashes, as git and vitest print them).
import { TEST_FILE } from '../labs/meta.ts';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { LabMeta } from '../labs/meta.ts';
import { toPosix } from '../runner/results.ts';

export const labDirOf = (lab: Pick<LabMeta, 'id'>) => `labs/${lab.id}`;
export const solutionDirOf = (lab: Pick<LabMeta, 'id'>) => `solutions/${lab.id}`;

/** The files the learner edits, e.g. `labs/01-sql-basics/queries.ts`. */
export const learnerFilesOf = (lab: Pick<LabMeta, 'id' | 'files'>) => lab.files.map((f) => `${labDirOf(lab)}/${f}`);

const RELATIVE_IMPORT = /\bfrom\s+['"](\.{1,2}\/[^'"]+)['"]|\bimport\s*\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

/** Pure: the lab files a test file's source imports (relative to root), in order. */
export function labImportsIn(source: string, testFile: string): string[] {
  const dir = path.posix.dirname(testFile);
  const found: string[] = [];
  for (const m of source.matchAll(RELATIVE_IMPORT)) {
    const target = path.posix.normalize(path.posix.join(dir, (m[1] ?? m[2])!));
    if (/^labs\/\d\d-[^/]+\//.test(target) && !TEST_FILE.test(target) && !found.includes(target)) found.push(target);
  }
  return found;
}

/** Reads a test file (relative to root) and returns the lab files it imports; [] if unreadable. */
export function labImportsOf(root: string, testFile: string): string[] {
  try {
    return labImportsIn(readFileSync(path.join(root, testFile), 'utf8'), toPosix(testFile));
  } catch {
    return [];
  }
}
