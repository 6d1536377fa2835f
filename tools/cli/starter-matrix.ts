// The per-file starter matrix: for every learner file of every lab, the reference solution with
// just that one file taken from the starter must FAIL (at least one test, every test of a step
// whose only file it is), quickly, and without crashing. It finds tests that pass while the file
// they check is not written (a stub that returns a plausible value), and callbacks whose errors
// leave tests waiting for their timeouts.
//
// Each worker process owns a scratch copy of the workbook (node_modules linked, not copied) and
// runs its cells one after another: put the starter file over the solution's, run the lab's tests
// against the solution, put the solution's file back. Workers run in parallel.
//
//   npm run matrix -- [NN ...] [--jobs N]    (CLI: tools/cli/matrix.ts; also a stage of `npm test`)
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findLab, ROOT, stepOf, type LabMeta } from '../labs/meta.ts';
import { runVitest } from '../runner/run-vitest.ts';
import { ProblemKind, TestState, type RunReport } from '../runner/results.ts';
import { Target } from '../vitest/target-plugin.ts';
import { mark, style } from './style.ts';

/** One run of the matrix: `file` null is the lab's baseline (the whole solution). */
export interface Cell {
  lab: string;
  file: string | null;
}

export interface CellResult extends Cell {
  durationMs: number;
  passed: number;
  failed: number;
  /** What is wrong with this cell; empty when it holds. */
  errors: string[];
  /** The first failing test (in step order) names the starter file in its stack or message. */
  namesFile: boolean;
}

/**
 * How long a cell may take: twice the solution's own run plus this much. Generous, so a loaded
 * machine does not trip it; a failure that waits for a timeout per test (lab 07 once: 570 s
 * against 11 s) is far beyond it.
 */
export const SLACK_MS = 30_000;

/** Pure: the longest a cell may take, given the solution's run. */
export const cellLimitMs = (baselineMs: number) => 2 * baselineMs + SLACK_MS;

/** Pure: every cell, lab by lab, each lab's baseline first. */
export function matrixCells(labs: Pick<LabMeta, 'id' | 'files'>[]): Cell[] {
  return labs.flatMap((lab) => [{ lab: lab.id, file: null }, ...lab.files.map((file) => ({ lab: lab.id, file }))]);
}

/** Pure: deals whole labs to `jobs` workers, biggest first, each to the least loaded worker. */
export function dealLabs(labs: Pick<LabMeta, 'id' | 'files'>[], jobs: number): string[][] {
  const workers = Array.from({ length: Math.max(1, jobs) }, () => ({ labs: [] as string[], load: 0 }));
  for (const lab of [...labs].sort((a, b) => b.files.length - a.files.length)) {
    const least = workers.reduce((a, b) => (b.load < a.load ? b : a));
    least.labs.push(lab.id);
    least.load += lab.files.length + 1;
  }
  return workers.filter((w) => w.labs.length > 0).map((w) => w.labs.sort());
}

/** Pure: what a cell's run means. */
export function judgeCell(lab: LabMeta, cell: Cell, report: RunReport, baselineMs: number | undefined): CellResult {
  const passed = report.tests.filter((t) => t.state === TestState.PASSED);
  const failed = report.tests.filter((t) => t.state === TestState.FAILED);
  const errors: string[] = [];
  const problems = report.problems.filter((p) => p.kind !== ProblemKind.SETUP);
  for (const p of report.problems.filter((p) => p.kind === ProblemKind.SETUP)) errors.push(`could not run: ${p.message.split('\n')[0]}`);
  if (cell.file === null) {
    if (failed.length > 0) errors.push(`the solution fails ${failed.length} test(s): ${failed[0]!.fullName}`);
    if (report.tests.length === 0) errors.push('no tests ran');
  } else {
    const learnerFile = `labs/${lab.id}/${cell.file}`;
    if (failed.length === 0 && problems.length === 0) errors.push(`every test passes with ${learnerFile} still the starter`);
    // A step whose only file is this one checks nothing of the other files: all of it must fail.
    for (const t of passed) {
      const step = stepOf(lab, t.group);
      if (step && step.files.length === 1 && step.files[0] === cell.file) {
        errors.push(`"${t.fullName}" passes with ${learnerFile}, the only file of step "${step.id}", still the starter`);
      }
    }
    for (const p of problems) errors.push(`${p.kind} problem instead of a failing test: ${p.message.split('\n')[0]}`);
    if (baselineMs !== undefined && report.durationMs > cellLimitMs(baselineMs)) {
      errors.push(`took ${(report.durationMs / 1000).toFixed(1)} s, the solution ${(baselineMs / 1000).toFixed(1)} s: a failure waits for a timeout somewhere`);
    }
  }
  const order = (group: string | null) => {
    const step = stepOf(lab, group);
    return step ? lab.steps.indexOf(step) : lab.steps.length;
  };
  const first = [...failed].sort((a, b) => order(a.group) - order(b.group))[0];
  const base = cell.file ? path.posix.basename(cell.file) : '';
  const namesFile =
    cell.file !== null &&
    first !== undefined &&
    (first.failure?.source?.file === `labs/${lab.id}/${cell.file}` ||
      first.failure?.source?.file === `solutions/${lab.id}/${cell.file}` ||
      (first.failure?.message ?? '').includes(base) ||
      (first.failure?.message ?? '').includes('TODO') ||
      /not implemented/i.test(first.failure?.message ?? ''));
  return { ...cell, durationMs: report.durationMs, passed: passed.length, failed: failed.length, errors, namesFile };
}

const COPIED = ['labs', 'solutions', 'tools', 'prisma', 'generated', 'package.json', 'tsconfig.json', 'vitest.config.ts', 'prisma.config.ts'];

/** A scratch copy of the workbook that a worker may change; the caller removes it. */
function scratchCopy(root: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'workbook-matrix-'));
  for (const entry of COPIED) cpSync(path.join(root, entry), path.join(dir, entry), { recursive: true });
  symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

/** Worker side: runs every cell of these labs in a scratch copy, one after another. */
export async function runCells(labIds: string[], emit: (result: CellResult) => void): Promise<void> {
  const scratch = scratchCopy(ROOT);
  try {
    // Lab meta and starter files come from the copy too: the checkout may change during the run.
    for (const id of labIds) {
      const lab = findLab(id, scratch);
      if (!lab) throw new Error(`lab ${id} is missing from the scratch copy ${scratch}`);
      let baselineMs: number | undefined;
      for (const cell of matrixCells([lab])) {
        const target = cell.file && path.join(scratch, 'solutions', lab.id, cell.file);
        const reference = target ? readFileSync(target) : null;
        if (target) writeFileSync(target, readFileSync(path.join(scratch, 'labs', lab.id, cell.file!)));
        const started = Date.now();
        let report: RunReport;
        try {
          // One worker process for the lab's few files, as `npm run lab` runs them: half the time of
          // a process per file, and a stuck file still gets its own (run-vitest.ts).
          report = await runVitest({ root: scratch, project: Target.SOLUTION, filters: [`labs/${lab.id}/`], shareWorker: true });
        } finally {
          if (target) writeFileSync(target, reference!);
        }
        report.durationMs = Date.now() - started;
        if (cell.file === null) baselineMs = report.durationMs;
        emit(judgeCell(lab, cell, report, baselineMs));
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Prefix of the worker's result lines on stdout. */
export const LINE = 'WORKBOOK_MATRIX ';

function formatCell(r: CellResult): string {
  const seconds = `${(r.durationMs / 1000).toFixed(1)} s`;
  const what = r.file === null ? style.dim('(the solution)') : r.file;
  const counts = r.file === null ? `${r.passed} pass` : `${r.failed} of ${r.passed + r.failed} fail`;
  const note = r.file !== null && !r.namesFile ? style.dim('  (the first failure does not name the file)') : '';
  return `  ${r.errors.length ? mark.fail() : mark.pass()} ${r.lab} ${what}: ${counts} ${style.dim(`(${seconds})`)}${note}${r.errors
    .map((e) => `\n      ${style.red(e)}`)
    .join('')}`;
}

export interface MatrixSummary {
  cells: number;
  durationMs: number;
  results: CellResult[];
  errors: string[];
}

/** Runs the matrix for `labIds` on `jobs` worker processes, printing each cell as it ends. */
export async function runMatrix(labIds: string[], jobs: number, print: (line: string) => void = console.log): Promise<MatrixSummary> {
  const started = Date.now();
  const labs = labIds.map((id) => findLab(id, ROOT)!);
  const results: CellResult[] = [];
  const errors: string[] = [];
  await Promise.all(
    dealLabs(labs, jobs).map(
      (share) =>
        new Promise<void>((resolve) => {
          const child = spawn(process.execPath, [path.join(ROOT, 'tools/cli/launch.mjs'), 'matrix', '--worker', ...share], {
            cwd: ROOT,
            stdio: ['ignore', 'pipe', 'pipe'],
            env: { ...process.env, NO_COLOR: '1' },
          });
          let buffered = '';
          let stderr = '';
          child.stdout.on('data', (chunk: Buffer) => {
            buffered += chunk.toString();
            const lines = buffered.split('\n');
            buffered = lines.pop()!;
            for (const line of lines.filter((l) => l.startsWith(LINE))) {
              const result = JSON.parse(line.slice(LINE.length)) as CellResult;
              results.push(result);
              print(formatCell(result));
            }
          });
          child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
          child.on('error', (error) => {
            errors.push(`matrix worker for ${share.join(', ')} could not start: ${error.message}`);
            resolve();
          });
          child.on('close', (code) => {
            if (code !== 0) errors.push(`matrix worker for ${share.join(', ')} exited with code ${code}: ${stderr.trim().split('\n').slice(-5).join(' | ')}`);
            resolve();
          });
        }),
    ),
  );
  const expected = matrixCells(labs).length;
  if (results.length !== expected && errors.length === 0) errors.push(`the matrix ran ${results.length} of ${expected} cells`);
  for (const r of results) for (const e of r.errors) errors.push(`matrix ${r.lab}${r.file ? `/${r.file}` : ' (solution)'}: ${e}`);
  return { cells: results.filter((r) => r.file !== null).length, durationMs: Date.now() - started, results, errors };
}

