// `npm test`: the workbook checks itself.
//   0. lint      Biome (biome.jsonc): the one linter
//   1. docs      the VitePress build (dead links and missing code regions fail it); runs beside
//                stages 2-4, and the site's browser test in the tools stage waits for it and serves it
//   2. tools     the workbook's own tests (CLI, grader, harness, migrations)
//      app       the finished system's tests (solutions/app/tests)
//   3. solutions every lab's tests against the reference: all must pass
//   4. starters  every lab's tests against the untouched starter: all must FAIL (a test that
//                passes there checks nothing the learner does), and fail as tests, not by crashing
//   Stages 2-4 are ONE vitest run of the four projects: their files share the workers (one more
//   than the cores: testWorkers), so no core idles while one stage's last slow file finishes (the
//   starters' files mostly wait on deadlines, the others' fill that time); each stage then reads
//   its own project's part of the report.
//   5. matrix    the per-file starter matrix (starter-matrix.ts): the solution with any one learner
//                file taken from the starter fails, quickly, without crashing
// The last lines are the counts; the exit code is non-zero on any problem.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listLabs, ROOT, type LabMeta } from '../labs/meta.ts';
import { runVitest, testWorkers } from '../runner/run-vitest.ts';
import { formatSlowestFiles } from '../runner/timings.ts';
import { tallyByLab, TestState, type RunReport, type TestOutcome } from '../runner/results.ts';
import { DOCS_BUILT, DOCS_DIST_ENV, DOCS_READY_ENV } from '../docs/build-site.ts';
import { Target } from '../vitest/target-plugin.ts';
import { parseTestAllArgs, UsageError } from './args.ts';
import { formatFailure, formatProblem } from './format-run.ts';
import { TEST_ALL_HELP } from './help.ts';
import { labImportsOf, learnerFilesOf } from './lab-files.ts';
import { runMatrix } from './starter-matrix.ts';
import { exitWhenFlushed, mark, style } from './style.ts';

export interface StageResult {
  name: string;
  /** The short text for the summary line, e.g. `140 passed` or `built`. */
  summary: string;
  /** Checks that held (passing tests, tests failing on the starter as they must, the build) / problems found. */
  passed: number;
  failed: number;
  errors: string[];
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function heading(text: string): void {
  console.log(`\n${style.bold(`▶ ${text}`)}`);
}

function learnerFilesFor(labs: LabMeta[], lab: string | null): string[] {
  const meta = labs.find((l) => l.id === lab);
  return meta ? learnerFilesOf(meta) : [];
}

function printFailures(tests: TestOutcome[], labs: LabMeta[], limit = 20): void {
  tests.slice(0, limit).forEach((t, i) => {
    console.log(formatFailure(t, i + 1, { learnerFiles: learnerFilesFor(labs, t.lab), importsOf: (f) => labImportsOf(ROOT, f) }));
  });
  if (tests.length > limit) console.log(style.dim(`…and ${tests.length - limit} more`));
}

/** Lab folders that hold tests but no lab.json: their tests run, but no lab owns them. */
export function labFoldersWithoutMeta(root: string): string[] {
  const dir = path.join(root, 'labs');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !existsSync(path.join(dir, d.name, 'lab.json')))
    .map((d) => `labs/${d.name}`);
}

/** How many of the slowest test files the run lists (where npm test's time goes). */
const SLOWEST_FILES = 8;

/** The projects of the one vitest run of stages 2-4, in the order their stages are reported. */
const PROJECTS = ['tools', 'app', Target.SOLUTION, Target.STARTER];

/** One project's part of a run of several. */
function partOf(run: RunReport, project: string): RunReport {
  return { ...run, project, tests: run.tests.filter((t) => t.project === project), problems: run.problems.filter((p) => p.project === project) };
}

/** A vitest project whose tests must all pass: `tools` (the workbook's own) or `app` (the finished system's). */
function plainStage(name: 'tools' | 'app', title: string, report: RunReport): StageResult {
  heading(`${name}: ${title}`);
  const failed = report.tests.filter((t) => t.state === TestState.FAILED);
  const passed = report.tests.filter((t) => t.state === TestState.PASSED).length;
  const errors = report.problems.map((p) => `${name}: ${p.kind} problem${p.file ? ` in ${p.file}` : ''}: ${p.message.split('\n')[0]}`);
  for (const p of report.problems) console.log(formatProblem(p));
  printFailures(failed, []);
  errors.push(...failed.map((t) => `${name}: ${t.file} › ${t.fullName} failed`));
  if (report.tests.length === 0 && !report.problems.length) errors.push(`${name}: no tests ran`);
  console.log(`${failed.length || errors.length ? mark.fail() : mark.pass()} ${passed} passed, ${failed.length} failed`);
  return { name, summary: `${passed} passed${failed.length ? `, ${failed.length} failed` : ''}`, passed, failed: errors.length, errors };
}

function labCounts(report: RunReport, labs: LabMeta[]) {
  const tallies = tallyByLab(report.tests);
  return labs.map((lab) => tallies.find((t) => t.lab === lab.id) ?? { lab: lab.id, passed: 0, failed: 0, skipped: 0, total: 0 });
}

function solutionStage(labs: LabMeta[], report: RunReport): StageResult {
  heading('solutions: every lab against its reference solution (all must pass)');
  const errors: string[] = [];
  for (const p of report.problems) {
    console.log(formatProblem(p));
    errors.push(`solutions: ${p.kind} problem in ${p.file ?? p.lab ?? 'an unknown file'}: ${p.message.split('\n')[0]}`);
  }
  for (const c of labCounts(report, labs)) {
    const labProblems = report.problems.filter((p) => p.lab === c.lab).length;
    const ok = c.failed === 0 && c.total > 0 && labProblems === 0;
    const note = labProblems ? style.red(` (and ${labProblems} error(s) outside the tests, above)`) : '';
    console.log(`  ${ok ? mark.pass() : mark.fail()} ${c.lab.padEnd(26)} ${c.passed} of ${c.total} pass${c.skipped ? `, ${c.skipped} skipped` : ''}${note}`);
    if (c.total === 0) errors.push(`solutions: ${c.lab} ran no test`);
  }
  const failed = report.tests.filter((t) => t.state === TestState.FAILED);
  if (failed.length) {
    console.log(style.red('\nFailing on the reference solution:'));
    printFailures(failed, labs);
  }
  errors.push(...failed.map((t) => `solutions: ${t.file} › ${t.fullName} fails on the reference solution`));
  const passed = report.tests.filter((t) => t.state === TestState.PASSED).length;
  console.log(`${errors.length ? mark.fail() : mark.pass()} ${passed} passed, ${failed.length} failed`);
  return { name: 'solutions', summary: `${passed} passed${failed.length ? `, ${failed.length} failed` : ''}`, passed, failed: errors.length, errors };
}

function starterStage(labs: LabMeta[], report: RunReport, solution: RunReport): StageResult {
  heading('starters: every lab against its untouched starter (every test must fail)');
  const errors: string[] = [];
  // A crash is not a failing test: the starter must load and fail test by test.
  for (const p of report.problems) {
    console.log(formatProblem(p));
    errors.push(`starters: ${p.kind} problem in ${p.file ?? p.lab ?? 'an unknown file'}: ${p.message.split('\n')[0]}`);
  }
  const solutionCounts = labCounts(solution, labs);
  for (const c of labCounts(report, labs)) {
    const expected = solutionCounts.find((s) => s.lab === c.lab)?.total ?? 0;
    const labProblems = report.problems.filter((p) => p.lab === c.lab).length;
    const ok = c.passed === 0 && c.total > 0 && c.total === expected && labProblems === 0;
    const note =
      (c.total !== expected ? style.red(` (the solution run has ${expected} tests)`) : '') +
      (labProblems ? style.red(` (and ${labProblems} error(s) outside the tests, above)`) : '');
    console.log(`  ${ok ? mark.pass() : mark.fail()} ${c.lab.padEnd(26)} ${c.failed} of ${c.total} fail on the starter${note}`);
    if (c.total !== expected) errors.push(`starters: ${c.lab} ran ${c.total} tests on the starter but ${expected} on the solution`);
  }
  const passing = report.tests.filter((t) => t.state === TestState.PASSED);
  for (const t of passing) {
    const msg = `${t.file}:${t.line ?? 1} › ${t.fullName} PASSES on the untouched starter: it checks nothing the learner does; rewrite it`;
    console.log(`  ${mark.fail()} ${msg}`);
    errors.push(`starters: ${msg}`);
  }
  const failing = report.tests.filter((t) => t.state === TestState.FAILED).length;
  const total = failing + passing.length;
  console.log(`${errors.length ? mark.fail() : mark.pass()} ${failing}/${total} failing as expected`);
  return {
    name: 'starters',
    summary: `${failing}/${total} failing as expected`,
    passed: failing,
    failed: errors.length,
    errors,
  };
}

async function matrixStage(labs: LabMeta[]): Promise<StageResult> {
  // Worker processes in parallel, each with its own scratch copy; more than 4 only fight over I/O.
  const jobs = Math.max(1, Math.min(4, os.availableParallelism()));
  heading(`matrix: each learner file of each lab taken from the starter, the rest solved (must fail; ${jobs} workers)`);
  const summary = await runMatrix(
    labs.map((l) => l.id),
    jobs,
    (line) => console.log(line),
  );
  console.log(`${summary.errors.length ? mark.fail() : mark.pass()} ${summary.cells} cells ${style.dim(`(${seconds(summary.durationMs)})`)}`);
  const held = summary.results.filter((r) => r.file !== null && r.errors.length === 0).length;
  return { name: 'matrix', summary: `${held}/${summary.cells} cells fail as expected`, passed: held, failed: summary.errors.length, errors: summary.errors };
}

interface ScriptRun {
  /** The exit code, or the error that kept npm from starting. */
  code: number | null;
  error?: Error;
  output: string;
  durationMs: number;
}

/** Runs `npm run <script>` quietly, keeping its output for a failure report. */
function runScript(script: string): Promise<ScriptRun> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error) => resolve({ code: null, error, output, durationMs: Date.now() - started }));
    child.on('close', (code) => resolve({ code, output, durationMs: Date.now() - started }));
  });
}

/** Prints a script stage's outcome under its heading: the `ok` word, or the last 60 lines of its output. */
function scriptResult(name: string, script: string, ok: string, run: ScriptRun): StageResult {
  heading(`${name}: npm run ${script}`);
  if (run.error) {
    console.log(`${mark.fail()} could not run npm run ${script}: ${run.error.message}`);
    return { name, summary: 'FAILED', passed: 0, failed: 1, errors: [`${name}: could not run npm run ${script}: ${run.error.message}`] };
  }
  if (run.code === 0) {
    console.log(`${mark.pass()} ${ok} ${style.dim(`(${seconds(run.durationMs)})`)}`);
    return { name, summary: ok, passed: 1, failed: 0, errors: [] };
  }
  console.log(run.output.split('\n').slice(-60).join('\n'));
  console.log(`${mark.fail()} npm run ${script} failed (exit code ${run.code})`);
  return { name, summary: 'FAILED', passed: 0, failed: 1, errors: [`${name}: npm run ${script} exited with code ${run.code}`] };
}

/** Runs `npm run <script>` as a stage: its output is shown only when it fails. */
async function scriptStage(name: string, script: string, ok: string): Promise<StageResult> {
  return scriptResult(name, script, ok, await runScript(script));
}

const hasDocs = () => existsSync(path.join(ROOT, 'docs', '.vitepress', 'config.ts'));

/**
 * Starts the docs build beside the test run (it is ~25 s of one core; the tests mostly wait) and
 * tells the site's browser test (tools/docs/site.test.ts) where the build lands and which file says
 * it is done, so that test serves this build instead of building the site a second time.
 * Resolves with the stage's result once printed by `report()`.
 */
function startDocsBuild(): { report(): Promise<StageResult> } {
  if (!hasDocs()) {
    return {
      async report() {
        heading('docs: npm run docs:build');
        console.log(`${mark.warn()} docs/.vitepress/config.ts does not exist yet: skipped`);
        return { name: 'docs', summary: 'skipped (no docs/.vitepress/config.ts)', passed: 0, failed: 0, errors: [] };
      },
    };
  }
  const readyFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'workbook-docs-')), 'ready');
  process.env[DOCS_DIST_ENV] = path.join(ROOT, 'docs', '.vitepress', 'dist');
  process.env[DOCS_READY_ENV] = readyFile;
  const build = runScript('docs:build').then((run) => {
    writeFileSync(readyFile, run.code === 0 ? DOCS_BUILT : `npm run docs:build failed (exit code ${run.code ?? run.error?.message})`);
    return run;
  });
  return {
    async report() {
      const result = scriptResult('docs', 'docs:build', 'built', await build);
      rmSync(path.dirname(readyFile), { recursive: true, force: true });
      return result;
    },
  };
}

async function main(argv: string[]): Promise<number> {
  const command = parseTestAllArgs(argv);
  if (command.kind === 'help') {
    console.log(TEST_ALL_HELP);
    return 0;
  }
  const started = Date.now();
  const stages: StageResult[] = [];
  const setupErrors: string[] = [];
  let labs: LabMeta[] = [];
  try {
    labs = listLabs(ROOT);
  } catch (error) {
    setupErrors.push(`labs: ${(error as Error).message}`);
  }
  for (const folder of labFoldersWithoutMeta(ROOT)) setupErrors.push(`labs: ${folder} has no lab.json`);

  // Lint first: it takes seconds and names the file and line.
  const lint = await scriptStage('lint', 'lint', 'clean');
  // The docs build runs beside the tests; the site's browser test (tools stage) waits for it.
  const docsBuild = command.skipDocs ? undefined : startDocsBuild();
  heading(`tests: ${PROJECTS.join(', ')} as one vitest run`);
  const run = await runVitest({ root: ROOT, project: PROJECTS, maxWorkers: testWorkers(os.availableParallelism()) });
  // Worded so that no CI log reader takes it for a test runner's closing line ("N tests in …"):
  // the last line of this command is the one count CI reads.
  console.log(style.dim(`vitest: ${run.tests.length} results (${seconds(run.durationMs)}); the slowest files:`));
  for (const line of formatSlowestFiles(run.timings?.files ?? [], SLOWEST_FILES)) console.log(style.dim(line));
  // What no project owns: the harness could not start, or an error thrown outside any test whose
  // file both lab projects run (vitest does not say which one threw it).
  const unowned = run.problems.filter((p) => p.project === undefined);
  for (const p of unowned) {
    console.log(formatProblem(p));
    setupErrors.push(`tests: ${p.kind} problem${p.file ? ` in ${p.file}` : ''}: ${p.message.split('\n')[0]}`);
  }
  stages.push(plainStage('tools', 'the workbook’s own tests', partOf(run, 'tools')));
  stages.push(plainStage('app', 'the finished system (solutions/app)', partOf(run, 'app')));
  const solutions = partOf(run, Target.SOLUTION);
  stages.push(solutionStage(labs, solutions));
  stages.push(starterStage(labs, partOf(run, Target.STARTER), solutions));
  if (command.skipMatrix) stages.push({ name: 'matrix', summary: 'not in this run (--skip-matrix; CI runs `npm run matrix` as its own step)', passed: 0, failed: 0, errors: [] });
  else stages.push(await matrixStage(labs));
  const docs = docsBuild ? await docsBuild.report() : { name: 'docs', summary: 'skipped (--skip-docs)', passed: 0, failed: 0, errors: [] };
  stages.push(docs, lint);

  const errors = [...setupErrors, ...stages.flatMap((s) => s.errors)];
  const passed = stages.reduce((n, s) => n + s.passed, 0);
  const failed = stages.reduce((n, s) => n + s.failed, 0) + setupErrors.length;
  console.log(`\n${style.bold('Summary')} ${style.dim(`(${labs.length} labs, ${seconds(Date.now() - started)})`)}`);
  if (errors.length) {
    console.log(style.red(`${errors.length} problem(s):`));
    for (const e of errors) console.log(`  ${mark.fail()} ${e}`);
  }
  console.log(stages.map((s) => `${s.name}: ${s.summary}`).join(' | '));
  console.log(`checks: ${passed} passed, ${failed} failed`);
  return errors.length ? 1 : 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof UsageError ? `Error: ${error.message}` : error);
  process.exitCode = 1;
}
exitWhenFlushed();
