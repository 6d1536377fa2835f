// `npm run lab -- diff NN`: the learner's files next to the reference, as a unified diff.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { LabMeta } from '../labs/meta.ts';
import { labDirOf, solutionDirOf } from './lab-files.ts';
import { style } from './style.ts';

/** Prints the diff of every learner file; returns how many files differ. */
export function diffLab(root: string, lab: LabMeta): number {
  console.log(style.bold(`Lab ${lab.id.slice(0, 2)}: your files (-) against the reference solution (+)`));
  let differing = 0;
  for (const file of lab.files) {
    const mine = `${labDirOf(lab)}/${file}`;
    const theirs = `${solutionDirOf(lab)}/${file}`;
    if (!existsSync(path.join(root, mine)) || !existsSync(path.join(root, theirs))) {
      console.log(style.yellow(`! ${existsSync(path.join(root, mine)) ? theirs : mine} does not exist`));
      differing++;
      continue;
    }
    // git is there wherever the workbook was cloned; `git diff --no-index` compares any two files
    // and colours its output on a terminal.
    const result = spawnSync('git', ['diff', '--no-index', '--', mine, theirs], { cwd: root, stdio: 'inherit' });
    if (result.error) {
      const fallback = spawnSync('diff', ['-u', mine, theirs], { cwd: root, stdio: 'inherit' });
      if (fallback.error) throw new Error(`Neither git nor diff could be run: ${result.error.message}`);
      if (fallback.status === 1) differing++;
    } else if (result.status === 1) differing++;
    else if (result.status === 0) console.log(style.green(`✓ ${mine} is the same as ${theirs}`));
  }
  return differing;
}
