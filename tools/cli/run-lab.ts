// `npm run lab -- NN [--solution] [--watch]`: one lab's tests, explained for the learner.
import { Target } from '../vitest/target-plugin.ts';
import type { LabMeta } from '../labs/meta.ts';
import { runVitest, watchVitest } from '../runner/run-vitest.ts';
import type { RunReport } from '../runner/results.ts';
import type { Lang } from './args.ts';
import { formatProblem, formatRun, verdictOf, type Verdict } from './format-run.ts';
import { labDirOf, labImportsOf, learnerFilesOf, solutionDirOf } from './lab-files.ts';
import { afterRun, ProgressStore } from './progress.ts';
import { mark, style } from './style.ts';

export const ExitCode = { OK: 0, TESTS_FAILED: 1, CANNOT_RUN: 2 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface RunLabOptions {
  root: string;
  lab: LabMeta;
  target: Target;
  lang: Lang;
  store: ProgressStore;
  print?(text: string): void;
}

function header(lab: LabMeta, target: Target, lang: Lang): string {
  const whose = target === Target.SOLUTION ? `the reference solution (${solutionDirOf(lab)}/)` : `your files (${labDirOf(lab)}/)`;
  const lesson = lang === 'ko' ? `docs/ko/labs/${lab.id}.md` : `docs/labs/${lab.id}.md`;
  return `${style.bold(`Lab ${lab.id.slice(0, 2)} · ${lab.title[lang]}`)}: testing ${whose}\n${style.dim(`lesson: ${lesson} (or npm run docs:dev)`)}`;
}

export function verdictLine(lab: LabMeta, target: Target, verdict: Verdict, seconds: string, firstFile?: string): string {
  const nn = lab.id.slice(0, 2);
  if (verdict.broken) {
    return `${mark.fail()} ${style.red(`Lab ${nn} could not be tested: see the problem above.`)} ${style.dim(`(${seconds} s)`)}`;
  }
  if (verdict.total === 0) return `${mark.warn()} No tests found for lab ${nn}. ${style.dim(`(${seconds} s)`)}`;
  if (verdict.failed === 0) {
    return target === Target.SOLUTION
      ? `${mark.pass()} ${style.green(`The reference solution passes all ${verdict.total} tests.`)} ${style.dim(`(${seconds} s)`)}`
      : `${mark.pass()} ${style.green(`All ${verdict.total} tests pass: lab ${nn} is done!`)} ${style.dim(`(${seconds} s)`)}  See your progress: npm run lab`;
  }
  const lines = [
    `${mark.fail()} ${style.red(`${verdict.failed} of ${verdict.total} tests failing`)} (${verdict.passed} passing) ${style.dim(`(${seconds} s)`)}`,
  ];
  if (target === Target.STARTER) {
    lines.push(
      `Next: ${firstFile ? `open ${style.cyan(firstFile)}, ` : ''}fix failure 1, then run ${style.cyan(`npm run lab -- ${nn}`)} again (add --watch to re-run on save).`,
      `Stuck? ${style.cyan(`npm run lab -- hint ${nn}`)} shows a hint; ${style.cyan(`npm run lab -- diff ${nn}`)} compares with the solution.`,
    );
  }
  return lines.join('\n');
}

function explain(report: RunReport, options: RunLabOptions): { text: string; verdict: Verdict } {
  const { root, lab, target } = options;
  const learnerFiles = learnerFilesOf(lab);
  const verdict = verdictOf(report);
  const firstFailure = report.tests.find((t) => t.failure);
  const firstFile =
    firstFailure?.failure?.source?.file ?? labImportsOf(root, firstFailure?.file ?? '').find((f) => learnerFiles.includes(f)) ?? learnerFiles[0];
  const body = formatRun(report, { learnerFiles, importsOf: (file) => labImportsOf(root, file) });
  const seconds = (report.durationMs / 1000).toFixed(1);
  return { text: `${body}\n${verdictLine(lab, target, verdict, seconds, firstFile)}`, verdict };
}

function record(options: RunLabOptions, verdict: Verdict): void {
  // Only the learner's own runs count as progress; --solution runs say nothing about their work.
  if (options.target === Target.STARTER) options.store.update(options.lab.id, (entry) => afterRun(entry, verdict, new Date()));
}

function exitCodeOf(verdict: Verdict): ExitCode {
  if (verdict.broken || verdict.total === 0) return ExitCode.CANNOT_RUN;
  return verdict.failed === 0 ? ExitCode.OK : ExitCode.TESTS_FAILED;
}

export async function runLab(options: RunLabOptions): Promise<ExitCode> {
  const print = options.print ?? ((text: string) => console.log(text));
  print(header(options.lab, options.target, options.lang));
  const started = Date.now();
  const report = await runVitest({
    root: options.root,
    project: options.target,
    filters: [`${labDirOf(options.lab)}/`],
    onConsole: (text, stream) => (stream === 'stderr' ? process.stderr : process.stdout).write(style.dim(text)),
  });
  report.durationMs = Date.now() - started;
  const { text, verdict } = explain(report, options);
  print(`\n${text}`);
  record(options, verdict);
  return exitCodeOf(verdict);
}

/** Resolves with false when watching could not start (the problem is printed), else never. */
export async function watchLab(options: RunLabOptions & { poll: boolean }): Promise<boolean> {
  const print = options.print ?? ((text: string) => console.log(text));
  print(header(options.lab, options.target, options.lang));
  const waiting = () =>
    print(style.dim(`\nWatching for changes${options.poll ? ' (polling every 300 ms)' : ''}: save a file to re-run, Ctrl-C to stop.`));
  const problem = await watchVitest({
    root: options.root,
    project: options.target,
    filters: [`${labDirOf(options.lab)}/`],
    poll: options.poll,
    onConsole: (text, stream) => (stream === 'stderr' ? process.stderr : process.stdout).write(style.dim(text)),
    rerunAllOn: [`**/${labDirOf(options.lab)}/**`, '**/solutions/**', '**/tools/**', '**/prisma/**'],
    onRerun: (changed) => print(style.dim(`\n— ${new Date().toLocaleTimeString()} ${changed ?? 'a file'} changed: running lab ${options.lab.id.slice(0, 2)} again —`)),
    onRunEnd: (report) => {
      const { text, verdict } = explain(report, options);
      print(`\n${text}`);
      record(options, verdict);
      waiting();
    },
  });
  if (!problem) return new Promise<boolean>(() => {}); // watching until Ctrl-C
  print(`\n${formatProblem(problem)}\n${mark.fail()} ${style.red('Watching could not start: fix the problem above, then run the command again.')}`);
  return false;
}
