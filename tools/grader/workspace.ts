// The grading workspace: a throwaway folder that holds this workbook's harness and config and the
// trusted labs (tests, lab.json, starters, references from --tests-from or this workbook), with
// only the graded checkout's learner files (or reference files) put in.
// So whatever a graded checkout changed elsewhere (a test, the harness, vitest.config.ts, points),
// its code is graded by the same rules as everyone else's.
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Target } from '../vitest/target-plugin.ts';
import type { LabMeta } from '../labs/meta.ts';
import { TEST_FILE } from '../labs/meta.ts';

/** Shared read-only with the workspace (symlinked): the workbook's machinery. */
const LINKED = ['node_modules', 'generated', 'tools', 'prisma', 'package.json', 'tsconfig.json'];

export interface Workspace {
  root: string;
  close(): void;
}

export interface WorkspaceOptions {
  /** This workbook (the canonical copy). */
  canonicalRoot: string;
  /** The checkout being graded; null for a workspace of the trusted files alone (the trusted reference). */
  gradedRoot: string | null;
  target: Target;
  labs: LabMeta[];
  /** Trusted files (integrity.ts `isTrustedFile`: tests, lab.json, starters, references), `path -> content`. */
  trusted: Map<string, Buffer>;
}

/** Copies the graded checkout's version of each file the learner edits (lab.json `files`). */
function overlay(fromDir: string, toDir: string, lab: LabMeta): void {
  if (!existsSync(fromDir)) return;
  for (const file of lab.files) {
    if (existsSync(path.join(fromDir, file))) cpSync(path.join(fromDir, file), path.join(toDir, file));
    else rmSync(path.join(toDir, file), { force: true }); // deleted in the graded checkout: graded as missing
  }
}

/** Non-test files that exist only in the graded checkout (a helper module next to the learner's files). */
function addedFiles(fromDir: string, toDir: string): void {
  if (!existsSync(fromDir)) return;
  cpSync(fromDir, toDir, {
    recursive: true,
    force: false,
    errorOnExist: false,
    filter: (src) => !TEST_FILE.test(src) && path.basename(src) !== 'lab.json' && !src.includes(`${path.sep}node_modules`),
  });
}

/** Step 3 of a workspace: the graded checkout's learner files (or its reference files) over the trusted ones. */
function putGraded(gradedRoot: string, root: string, options: WorkspaceOptions): void {
  for (const lab of options.labs) {
    if (options.target === Target.STARTER) {
      const from = path.join(gradedRoot, 'labs', lab.id);
      const to = path.join(root, 'labs', lab.id);
      overlay(from, to, lab);
      addedFiles(from, to);
    } else {
      const from = path.join(gradedRoot, 'solutions', lab.id);
      const to = path.join(root, 'solutions', lab.id);
      // No reference in the graded checkout: grade what is there (the tests then load the starter).
      if (!existsSync(from)) for (const file of lab.files) rmSync(path.join(to, file), { force: true });
      overlay(from, to, lab);
      addedFiles(from, to);
    }
  }
}

export function createWorkspace(options: WorkspaceOptions): Workspace {
  const root = mkdtempSync(path.join(os.tmpdir(), 'workbook-grade-'));
  const close = () => rmSync(root, { recursive: true, force: true });
  try {
    for (const name of LINKED) {
      const target = path.join(options.canonicalRoot, name);
      if (existsSync(target)) symlinkSync(target, path.join(root, name));
    }
    // A real copy, so the config's own location (import.meta.url) is the workspace.
    cpSync(path.join(options.canonicalRoot, 'vitest.config.ts'), path.join(root, 'vitest.config.ts'));

    // 1. this workbook's labs and reference solutions (starters, fixtures, lab.json), minus tests.
    for (const lab of options.labs) {
      cpSync(path.join(options.canonicalRoot, 'labs', lab.id), path.join(root, 'labs', lab.id), { recursive: true, filter: (src) => !TEST_FILE.test(src) });
    }
    cpSync(path.join(options.canonicalRoot, 'solutions'), path.join(root, 'solutions'), { recursive: true });
    // 2. the trusted files over them: the canonical tests, lab.json, starters and references.
    for (const [file, content] of options.trusted) {
      const abs = path.join(root, file);
      mkdirSync(path.dirname(abs), { recursive: true });
      writeFileSync(abs, content);
    }
    // 3. the graded side: the learner's files (or, grading the reference, the checkout's solutions).
    if (options.gradedRoot !== null) putGraded(options.gradedRoot, root, options);
    return { root, close };
  } catch (error) {
    close();
    throw error;
  }
}
