// The grading workspace: a throwaway folder that holds this workbook's own tests, harness, config
// and lab.json files, with only the graded checkout's learner files (or reference files) put in.
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
  /** The checkout being graded. */
  gradedRoot: string;
  target: Target;
  labs: LabMeta[];
  /** Canonical test files, `labs/...test.ts -> content`. */
  tests: Map<string, Buffer>;
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

    for (const lab of options.labs) {
      const labDir = path.join(root, 'labs', lab.id);
      // 1. the canonical lab: starter, fixtures, lab.json; minus its tests (written in step 3).
      cpSync(path.join(options.canonicalRoot, 'labs', lab.id), labDir, { recursive: true, filter: (src) => !TEST_FILE.test(src) });
      // 2. the graded side.
      if (options.target === Target.STARTER) {
        overlay(path.join(options.gradedRoot, 'labs', lab.id), labDir, lab);
        addedFiles(path.join(options.gradedRoot, 'labs', lab.id), labDir);
      }
    }
    // 3. the canonical tests.
    for (const [file, content] of options.tests) {
      const abs = path.join(root, file);
      mkdirSync(path.dirname(abs), { recursive: true });
      writeFileSync(abs, content);
    }
    // Solutions: the graded checkout's when grading the reference, else this workbook's (a
    // starter may import earlier labs' reference code).
    const solutions = path.join(root, 'solutions');
    cpSync(path.join(options.canonicalRoot, 'solutions'), solutions, { recursive: true });
    if (options.target === Target.SOLUTION) {
      for (const lab of options.labs) {
        const from = path.join(options.gradedRoot, 'solutions', lab.id);
        const to = path.join(solutions, lab.id);
        // No reference in the graded checkout: grade what is there (the tests then load the starter).
        if (!existsSync(from)) for (const file of lab.files) rmSync(path.join(to, file), { force: true });
        overlay(from, to, lab);
        addedFiles(from, to);
      }
    }
    return { root, close };
  } catch (error) {
    close();
    throw error;
  }
}
