// `npm run lab -- diff NN`: the learner's files next to the reference, as a unified diff. It is
// also the reveal after a pass (`npm run lab -- NN` offers it): the reference as the lesson shows
// it, without the `// #region` markers that only exist for the docs' code imports.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LabMeta } from '../labs/meta.ts';
import type { Lang } from './args.ts';
import { labDirOf, solutionDirOf } from './lab-files.ts';
import { messages } from './messages.ts';
import { style } from './style.ts';

/** A line that only marks a region for the docs: `// #region name`, `/* #endregion name *\/`. */
const REGION_MARKER = /^\s*(?:\/\/|\/\*|#|--)\s*#(?:end)?region\b.*$/;

/** Pure: the text without its region-marker lines. */
export function withoutRegionMarkers(text: string): string {
  return text
    .split('\n')
    .filter((line) => !REGION_MARKER.test(line))
    .join('\n');
}

/** Prints the diff of every learner file; returns how many files differ. */
export function diffLab(root: string, lab: LabMeta, lang: Lang = 'en'): number {
  const m = messages(lang);
  console.log(style.bold(m.diffHeading(lab.id.slice(0, 2))));
  // Both sides are copied into a scratch folder under their own relative paths, so the diff's
  // headers name labs/NN/x.ts and solutions/NN/x.ts, and the reference loses its markers.
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'workbook-diff-'));
  let differing = 0;
  try {
    for (const file of lab.files) {
      const mine = `${labDirOf(lab)}/${file}`;
      const theirs = `${solutionDirOf(lab)}/${file}`;
      if (!existsSync(path.join(root, mine)) || !existsSync(path.join(root, theirs))) {
        console.log(style.yellow(m.missingFile(existsSync(path.join(root, mine)) ? theirs : mine)));
        differing++;
        continue;
      }
      for (const [rel, text] of [
        [mine, readFileSync(path.join(root, mine), 'utf8')],
        [theirs, withoutRegionMarkers(readFileSync(path.join(root, theirs), 'utf8'))],
      ] as const) {
        mkdirSync(path.dirname(path.join(scratch, rel)), { recursive: true });
        writeFileSync(path.join(scratch, rel), text);
      }
      // git is there wherever the workbook was cloned; `git diff --no-index` compares any two files
      // and colours its output on a terminal.
      const result = spawnSync('git', ['diff', '--no-index', '--', mine, theirs], { cwd: scratch, stdio: 'inherit' });
      if (result.error) {
        const fallback = spawnSync('diff', ['-u', mine, theirs], { cwd: scratch, stdio: 'inherit' });
        if (fallback.error) throw new Error(`Neither git nor diff could be run: ${result.error.message}`);
        if (fallback.status === 1) differing++;
      } else if (result.status === 1) differing++;
      else if (result.status === 0) console.log(style.green(m.sameFile(mine, theirs)));
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return differing;
}
