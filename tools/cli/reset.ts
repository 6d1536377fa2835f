// `npm run lab -- reset NN`: the lab's learner files back to the starter (git HEAD), with a backup.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { LabMeta } from '../labs/meta.ts';
import { labDirOf } from './lab-files.ts';
import type { ProgressStore } from './progress.ts';

export class NotAGitCheckoutError extends Error {
  readonly code = 'WORKBOOK_NOT_GIT';
  constructor(root: string, options?: ErrorOptions) {
    super(`${root} is not a git checkout, so there is no starter to restore from. Clone the workbook with git to use reset.`, options);
    this.name = 'NotAGitCheckoutError';
  }
}

export class StarterMissingError extends Error {
  readonly code = 'WORKBOOK_STARTER_MISSING';
  constructor(readonly file: string, options?: ErrorOptions) {
    super(`${file} is not in git HEAD: there is no starter version of it to restore.`, options);
    this.name = 'StarterMissingError';
  }
}

/** `2026-11-26T10:04:05.123Z` -> `20261126-100405`: sorts by time and is safe in a folder name. */
export function backupStamp(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

function gitShow(root: string, file: string): Buffer {
  try {
    execFileSync('git', ['rev-parse', '--git-dir'], { cwd: root, stdio: 'ignore' });
  } catch (error) {
    throw new NotAGitCheckoutError(root, { cause: error });
  }
  try {
    return execFileSync('git', ['show', `HEAD:./${file}`], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20 });
  } catch (error) {
    throw new StarterMissingError(file, { cause: error });
  }
}

export interface ResetResult {
  restored: string[];
  unchanged: string[];
  /** Where the learner's files were copied, or null when nothing differed from the starter. */
  backupDir: string | null;
}

export function resetLab(root: string, lab: LabMeta, store: ProgressStore, now = new Date()): ResetResult {
  // Read every starter first: if one is missing, nothing has been touched yet.
  const files = lab.files.map((f) => `${labDirOf(lab)}/${f}`);
  const starters = new Map(files.map((file) => [file, gitShow(root, file)]));
  const result: ResetResult = { restored: [], unchanged: [], backupDir: null };
  const backupDir = path.join('.workbook', 'backups', `${lab.id}-${backupStamp(now)}`);

  for (const [file, starter] of starters) {
    const abs = path.join(root, file);
    if (existsSync(abs) && readFileSync(abs).equals(starter)) {
      result.unchanged.push(file);
      continue;
    }
    if (existsSync(abs)) {
      const backup = path.join(root, backupDir, file);
      mkdirSync(path.dirname(backup), { recursive: true });
      copyFileSync(abs, backup);
      result.backupDir = backupDir;
    }
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, starter);
    result.restored.push(file);
  }
  // The lab starts over; the hints already seen stay seen.
  store.update(lab.id, (entry) => (entry?.hints ? { hints: entry.hints } : undefined));
  return result;
}
