// `npm run grade -- [--target starter|solution] [--dir PATH] [--out DIR] [--tests-from SRC]
// [--tests-sha256 HEX] [--min-score S]`: grade every lab of a checkout with trusted tests; write
// grade.json, junit.xml, summary.md and classroom.json (GitHub Classroom's reporter input).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setActionsOutput, toClassroom } from '../grader/classroom.ts';
import { type CopyFlag, findCopies } from '../grader/copies.ts';
import { canonicalTests, compareTests, hashes, hasEdits, onlyTests, packTests, TestsSourceError, testFilesIn } from '../grader/integrity.ts';
import { toConsoleTable, toJunit, toMarkdown, type GradeReport, type LabGrade } from '../grader/report.ts';
import { overallScore, scoreLab } from '../grader/score.ts';
import { rerunNotRun } from '../grader/rerun.ts';
import { unloadedAsFailed } from '../grader/unloaded.ts';
import { createWorkspace, type Workspace } from '../grader/workspace.ts';
import { type LabMeta, LabMetaSchema, ROOT } from '../labs/meta.ts';
import { runVitest } from '../runner/run-vitest.ts';
import { ProblemKind, summaryLine, type RunReport, type TestOutcome } from '../runner/results.ts';
import { formatTypeError, type TypeErrorNote, typecheckInBackground } from '../runner/typecheck.mjs';
import { Target } from '../vitest/target-plugin.ts';
import { parseGradeArgs, UsageError, type GradeCommand } from './args.ts';
import { formatProblem } from './format-run.ts';
import { learnerFilesOf } from './lab-files.ts';
import { GRADE_HELP } from './help.ts';
import { exitWhenFlushed, style } from './style.ts';

/** The labs as the trusted lab.json files describe them (a graded checkout cannot change points). */
function trustedLabs(trusted: Map<string, Buffer>): LabMeta[] {
  const labs: LabMeta[] = [];
  for (const [file, content] of trusted) {
    const m = /^labs\/([^/]+)\/lab\.json$/.exec(file);
    if (!m) continue;
    const parsed = LabMetaSchema.safeParse(JSON.parse(content.toString('utf8')));
    if (!parsed.success || parsed.data.id !== m[1]) throw new TestsSourceError(`${file} of the trusted tests is not a valid lab.json`);
    labs.push(parsed.data);
  }
  return labs.sort((a, b) => a.id.localeCompare(b.id));
}

/** The labs named by --lab (all when none is named). */
function pickLabs(labs: LabMeta[], wanted: string[] | undefined): LabMeta[] {
  if (!wanted) return labs;
  return wanted.map((query) => {
    const n = /^\d{1,2}$/.test(query) ? query.padStart(2, '0') : null;
    const lab = labs.find((l) => l.id === query || (n !== null && l.id.startsWith(`${n}-`)));
    if (!lab) throw new UsageError(`--lab ${query}: no such lab in the trusted tests (labs: ${labs.map((l) => l.id.slice(0, 2)).join(', ')})`);
    return lab;
  });
}

/** Copied-solution flags of one lab: the graded learner files against the trusted reference. */
function copiesOf(command: GradeCommand, lab: LabMeta, trusted: Map<string, Buffer>): CopyFlag[] {
  if (command.target !== Target.STARTER) return [];
  const candidates = lab.files.flatMap((file) => {
    const learner = path.join(command.dir, 'labs', lab.id, file);
    const reference = trusted.get(`solutions/${lab.id}/${file}`);
    const starter = trusted.get(`labs/${lab.id}/${file}`);
    if (!existsSync(learner) || !reference || !starter) return [];
    return [{ file: `labs/${lab.id}/${file}`, learner: readFileSync(learner, 'utf8'), reference: reference.toString('utf8'), starter: starter.toString('utf8') }];
  });
  return findCopies(candidates);
}

/** Exit codes of `npm run grade`. */
export const GradeExit = { OK: 0, BELOW_MIN_SCORE: 1, CANNOT_GRADE: 2, INTERRUPTED: 130 } as const;

async function grade(command: GradeCommand): Promise<number> {
  if (!existsSync(path.join(command.dir, 'labs'))) throw new UsageError(`${command.dir} has no labs/ folder: is it a checkout of the workbook?`);
  const canonical = canonicalTests(ROOT, command.testsFrom, command.dir);
  if (command.testsSha256 && command.testsSha256 !== canonical.digest) {
    console.error(style.red(`The tests from ${canonical.source} have sha256 ${canonical.digest}, not the pinned ${command.testsSha256}: nothing was graded.`));
    return GradeExit.CANNOT_GRADE;
  }
  const labs = pickLabs(trustedLabs(canonical.files), command.labs);
  const editedTests = compareTests(hashes(onlyTests(canonical.files)), hashes(testFilesIn(command.dir)));
  console.log(`Grading ${style.bold(command.dir)} (${command.target}) with the tests from ${canonical.source}`);
  if (!command.testsFrom && path.resolve(command.dir) === ROOT) {
    console.log(style.yellow('! The tests come from the graded checkout itself (its git HEAD): a student who commits edited tests grades themselves. Use --tests-from (see --help).'));
  }

  const started = Date.now();
  // Ctrl-C (or a CI runner's SIGTERM) while grading: remove the workspaces before going. Listening
  // first: with no listener, a signal during the synchronous copy would end the process at once.
  const workspaces: Workspace[] = [];
  const interrupted = (signal: NodeJS.Signals) => {
    for (const w of workspaces) w.close();
    console.error(style.red(`\nGrading stopped (${signal}): nothing was written; the grading workspace is removed.`));
    process.exit(GradeExit.INTERRUPTED);
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  /** A grading workspace of the graded checkout, or (null) of the trusted files alone. */
  const openWorkspace = (gradedRoot: string | null): Workspace => {
    const w = createWorkspace({ canonicalRoot: ROOT, gradedRoot, target: command.target, labs, trusted: canonical.files });
    workspaces.push(w);
    return w;
  };
  let run: RunReport;
  let tests: TestOutcome[] = [];
  let typeErrors: TypeErrorNote[] = [];
  try {
    const workspace = openWorkspace(command.dir);
    try {
      // The typecheck (seconds per lab) runs in a child process beside the tests, not after them, at
      // the normal priority: the grader waits for both (npm run lab lets the verdict go first).
      const typechecked =
        command.target === Target.STARTER ? typecheckInBackground(workspace.root, labs.flatMap(learnerFilesOf), { niceness: 0 }) : Promise.resolve([]);
      const project = command.target;
      // A student's files may loop for ever: each test file in a worker of its own (isolate), so
      // the watchdog's kill takes no other file's tests with it.
      run = await runVitest({ root: workspace.root, project, isolate: true, filters: command.labs ? labs.map((l) => `labs/${l.id}/`) : [] });
      // A loop that never yields stopped its file's worker: the file's later tests get their own run.
      run = await rerunNotRun(run, (file, testNamePattern) => runVitest({ root: workspace.root, project, isolate: true, filters: [file], testNamePattern }));
      typeErrors = await typechecked;
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
      return GradeExit.CANNOT_GRADE;
    }
    tests = [...run.tests, ...(await unloadedAsFailed(run.problems, () => openWorkspace(null)))];
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
  }

  const labGrades: LabGrade[] = labs.map((lab) => {
    const s = scoreLab(
      tests.filter((t) => t.lab === lab.id),
      lab.points,
    );
    return {
      id: lab.id,
      title: lab.title.en,
      ...s,
      problems: run.problems.filter((p) => p.lab === lab.id),
      copies: copiesOf(command, lab, canonical.files),
      typeErrors: typeErrors.filter((e) => e.file.startsWith(`labs/${lab.id}/`)).map(formatTypeError),
    };
  });
  const score = overallScore(labGrades.map((l) => l.score));
  const report: GradeReport = {
    target: command.target,
    dir: command.dir,
    gradedAt: new Date().toISOString(),
    canonicalTests: canonical.source,
    testsDigest: canonical.digest,
    editedTests,
    labs: labGrades,
    problems: run.problems.filter((p) => p.lab === null),
    passed: labGrades.reduce((n, l) => n + l.passed, 0),
    failed: labGrades.reduce((n, l) => n + l.failed, 0),
    total: labGrades.reduce((n, l) => n + l.total, 0),
    score,
    minScore: command.minScore ?? null,
    minScoreReached: score >= (command.minScore ?? 0),
    durationMs: Date.now() - started,
  };

  mkdirSync(command.out, { recursive: true });
  const classroom = toClassroom(report);
  writeFileSync(path.join(command.out, 'grade.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(path.join(command.out, 'junit.xml'), toJunit(report));
  writeFileSync(path.join(command.out, 'summary.md'), toMarkdown(report));
  writeFileSync(path.join(command.out, 'classroom.json'), `${JSON.stringify(classroom, null, 2)}\n`);
  setActionsOutput(classroom);

  console.log(`\n${toConsoleTable(report)}\n`);
  for (const lab of labGrades) for (const p of lab.problems) console.log(`${style.yellow('!')} ${lab.id}: ${p.kind} problem in ${p.file ?? lab.id}: ${summaryLine(p.message)}`);
  for (const lab of labGrades) for (const e of lab.typeErrors) console.log(`${style.yellow('!')} ${lab.id}: type error ${e}`);
  for (const t of tests) {
    if (t.failure?.stopped === 'stuck') console.log(`${style.yellow('!')} ${t.lab ?? t.file}: ${t.file}: ${summaryLine(t.failure.message)}`);
  }
  for (const lab of labGrades) {
    for (const c of lab.copies) console.log(style.yellow(`! ${lab.id}: ${c.file} is ${c.identical ? 'identical' : `${Math.round(c.similarity * 100)}% similar`} to the reference solution (reported only)`));
  }
  if (hasEdits(editedTests)) {
    console.log(style.yellow('! Test files were edited in the graded checkout; graded with the originals:'));
    for (const [what, files] of Object.entries(editedTests)) for (const f of files as string[]) console.log(style.yellow(`    ${what}: ${f}`));
  } else {
    console.log('Test files: unchanged.');
  }
  const relative = path.relative(process.cwd(), command.out);
  const rel = relative === '' ? '.' : relative.startsWith('..') ? command.out : relative;
  console.log(`Score ${style.bold(`${(report.score * 100).toFixed(1)}%`)}. Wrote ${rel}/grade.json, ${rel}/junit.xml, ${rel}/summary.md, ${rel}/classroom.json`);
  if (!report.minScoreReached) {
    console.log(style.red(`Below the minimum score of ${(command.minScore! * 100).toFixed(1)}%: exit code ${GradeExit.BELOW_MIN_SCORE}.`));
    return GradeExit.BELOW_MIN_SCORE;
  }
  return GradeExit.OK;
}

try {
  // npm runs scripts from the package root; INIT_CWD is where the user typed the command, so
  // `--dir ../student` means what they meant.
  const command = parseGradeArgs(process.argv.slice(2), process.env.INIT_CWD ?? process.cwd(), ROOT);
  if (command.kind === 'help') console.log(GRADE_HELP);
  else if (command.kind === 'pack-tests') {
    const { json, digest } = packTests(ROOT);
    writeFileSync(command.file, json);
    console.log(`Wrote ${command.file}\nPin it: npm run grade -- --tests-from ${path.basename(command.file)} --tests-sha256 ${digest}`);
  } else process.exitCode = await grade(command);
} catch (error) {
  const known = error instanceof UsageError || error instanceof TestsSourceError;
  console.error(known ? `${style.red('Error:')} ${error.message}\nSee \`npm run grade -- --help\`.` : error);
  process.exitCode = GradeExit.CANNOT_GRADE;
}
exitWhenFlushed();
