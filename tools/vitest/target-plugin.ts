// The one piece of magic in this workbook: tests are written once, in labs/NN-topic/,
// and this Vite plugin decides whose code they exercise.
//
// target "starter":  imports resolve normally, so the tests load the learner's files in labs/.
// target "solution": an import that resolves to labs/NN-topic/<file> (anything but a test file)
//                    is redirected to solutions/NN-topic/<file>, the reference implementation.
import { TEST_FILE } from '../labs/meta.ts';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Plugin } from 'vite';

export const Target = { STARTER: 'starter', SOLUTION: 'solution' } as const;
export type Target = (typeof Target)[keyof typeof Target];


/** Where `file` lives on the solution side, or null if it is not a redirectable lab file. */
export function solutionPathFor(file: string, labsDir: string, solutionsDir: string): string | null {
  const rel = path.relative(labsDir, file);
  if (rel.startsWith('..') || path.isAbsolute(rel) || TEST_FILE.test(file)) return null;
  if (!rel.includes(path.sep)) return null; // a file directly under labs/ is not part of a lab
  return path.join(solutionsDir, rel);
}

export function labTargetPlugin(options: { target: Target; root: string }): Plugin {
  const labsDir = path.join(options.root, 'labs');
  const solutionsDir = path.join(options.root, 'solutions');
  return {
    // The target in the name: vitest's module cache keys a transformed file by the plugins' names,
    // and the same test file imports other files for each target.
    name: `workbook:lab-target:${options.target}`,
    enforce: 'pre',
    async resolveId(source, importer, resolveOptions) {
      if (options.target !== Target.SOLUTION || !importer) return null;
      const resolved = await this.resolve(source, importer, { ...resolveOptions, skipSelf: true });
      if (!resolved || resolved.external) return resolved;
      const redirected = solutionPathFor(resolved.id.split('?')[0]!, labsDir, solutionsDir);
      return redirected && existsSync(redirected) ? redirected : resolved;
    },
  };
}
