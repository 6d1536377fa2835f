// `npm run grade -- [--target starter|solution] [--dir PATH] [--out DIR]`: grade every lab of a
// checkout with this workbook's tests; write grade.json, junit.xml and summary.md.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { canonicalTests, compareTests, hashes, hasEdits, testFilesIn } from '../grader/integrity.ts';
import { toConsoleTable, toJunit, toMarkdown, type GradeReport, type LabGrade } from '../grader/report.ts';
import { overallScore, scoreLab } from '../grader/score.ts';
import { createWorkspace } from '../grader/workspace.ts';
import { listLabs, ROOT } from '../labs/meta.ts';
import { runVitest } from '../runner/run-vitest.ts';
import { ProblemKind, summaryLine, TestState, type RunReport, type TestOutcome } from '../runner/results.ts';
import { Target } from '../vitest/target-plugin.ts';
import { parseGradeArgs, UsageError, type GradeCommand } from './args.ts';
import { formatProblem } from './format-run.ts';
import { GRADE_HELP } from './help.ts';
import { exitWhenFlushed, style } from './style.ts';

/**
 * A test file that did not load ran no test, so the run alone cannot say how many points it
 * held. Ask the reference solution which tests the file has, and count each as failed.
 */
async function fillInUnloaded(report: RunReport): Promise<TestOutcome[]> {
  const unloaded = report.problems.filter((p) => p.kind === ProblemKind.LOAD && p.file).map((p) => p.file!);
  if (!unloaded.length) return [];
  const reference = await runVitest({ root: ROOT, project: Target.SOLUTION, filters: unloaded });
  return reference.tests
    .filter((t) => unloaded.includes(t.file))
    .map((t) => {
      const problem = report.problems.find((p) => p.file === t.file)!;
      return { ...t, state: TestState.FAILED, durationMs: 0, failure: { message: `not run: ${t.file} could not be loaded (${summaryLine(problem.message)})` } };
    });
}

async function grade(command: GradeCommand): Promise<number> {
  if (!existsSync(path.join(command.dir, 'labs'))) throw new UsageError(`${command.dir} has no labs/ folder: is it a checkout of the workbook?`);
  const labs = listLabs(ROOT);
  const canonical = canonicalTests(ROOT);
  const editedTests = compareTests(hashes(canonical.files), hashes(testFilesIn(command.dir)));
  console.log(`Grading ${style.bold(command.dir)} (${command.target}) with the tests from ${canonical.source}`);

  const started = Date.now();
  const workspace = createWorkspace({ canonicalRoot: ROOT, gradedRoot: command.dir, target: command.target, labs, tests: canonical.files });
  let run: RunReport;
  try {
    run = await runVitest({ root: workspace.root, project: command.target });
    // Messages name files by the workspace's throwaway path: name them relative to the checkout instead.
    const prefixes = [`${workspace.root}/`, `${path.relative(process.cwd(), workspace.root)}/`];
    const unworkspace = (text: string) => prefixes.reduce((t, prefix) => t.replaceAll(prefix, ''), text);
    for (const p of run.problems) p.message = unworkspace(p.message);
    for (const t of run.tests) if (t.failure) t.failure.message = unworkspace(t.failure.message);
  } finally {
    workspace.close();
  }
  const blocking = run.problems.filter((p) => p.kind === ProblemKind.SETUP || p.kind === ProblemKind.HOOK);
  if (blocking.length) {
    for (const p of blocking) console.error(formatProblem(p));
    console.error(style.red('Grading could not run: nothing was written.'));
    return 1;
  }
  const tests = [...run.tests, ...(await fillInUnloaded(run))];

  const labGrades: LabGrade[] = labs.map((lab) => {
    const s = scoreLab(
      tests.filter((t) => t.lab === lab.id),
      lab.points,
    );
    return { id: lab.id, title: lab.title.en, ...s, problems: run.problems.filter((p) => p.lab === lab.id) };
  });
  const report: GradeReport = {
    target: command.target,
    dir: command.dir,
    gradedAt: new Date().toISOString(),
    canonicalTests: canonical.source,
    editedTests,
    labs: labGrades,
    problems: run.problems.filter((p) => p.lab === null),
    passed: labGrades.reduce((n, l) => n + l.passed, 0),
    failed: labGrades.reduce((n, l) => n + l.failed, 0),
    total: labGrades.reduce((n, l) => n + l.total, 0),
    score: overallScore(labGrades.map((l) => l.score)),
    durationMs: Date.now() - started,
  };

  mkdirSync(command.out, { recursive: true });
  writeFileSync(path.join(command.out, 'grade.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(path.join(command.out, 'junit.xml'), toJunit(report));
  writeFileSync(path.join(command.out, 'summary.md'), toMarkdown(report));

  console.log(`\n${toConsoleTable(report)}\n`);
  for (const lab of labGrades) for (const p of lab.problems) console.log(`${style.yellow('!')} ${lab.id}: ${p.kind} problem in ${p.file ?? lab.id}: ${summaryLine(p.message)}`);
  if (hasEdits(editedTests)) {
    console.log(style.yellow('! Test files were edited in the graded checkout; graded with the originals:'));
    for (const [what, files] of Object.entries(editedTests)) for (const f of files as string[]) console.log(style.yellow(`    ${what}: ${f}`));
  } else {
    console.log('Test files: unchanged.');
  }
  const relative = path.relative(process.cwd(), command.out);
  const rel = relative === '' ? '.' : relative.startsWith('..') ? command.out : relative;
  console.log(`Score ${style.bold(`${(report.score * 100).toFixed(1)}%`)}. Wrote ${rel}/grade.json, ${rel}/junit.xml, ${rel}/summary.md`);
  return 0;
}

try {
  // npm runs scripts from the package root; INIT_CWD is where the user typed the command, so
  // `--dir ../student` means what they meant.
  const command = parseGradeArgs(process.argv.slice(2), process.env.INIT_CWD ?? process.cwd(), ROOT);
  if (command.kind === 'help') console.log(GRADE_HELP);
  else process.exitCode = await grade(command);
} catch (error) {
  console.error(error instanceof UsageError ? `${style.red('Error:')} ${error.message}\nSee \`npm run grade -- --help\`.` : error);
  process.exitCode = 1;
}
exitWhenFlushed();
