// `npm run lab -- NN [--solution] [--watch]`: one lab's tests, explained for the learner.
import { LANG_ENV } from '../testing/say.ts';
import { Target } from '../vitest/target-plugin.ts';
import type { LabMeta, LabStep } from '../labs/meta.ts';
import { runVitest, watchVitest } from '../runner/run-vitest.ts';
import { TestState, type RunReport } from '../runner/results.ts';
import { type TypeErrorNote, typecheckInBackground, typecheckSession } from '../runner/typecheck.mjs';
import type { Lang } from './args.ts';
import { currentStepOf, formatProblem, formatRun, verdictOf, type Verdict } from './format-run.ts';
import { labDirOf, labImportsOf, learnerFilesOf, solutionDirOf } from './lab-files.ts';
import { messages } from './messages.ts';
import { afterRun, type ProgressStore, tallySteps } from './progress.ts';
import { mark, style } from './style.ts';
import { formatTimings } from '../runner/timings.ts';

export const ExitCode = { OK: 0, TESTS_FAILED: 1, CANNOT_RUN: 2 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface RunLabOptions {
  root: string;
  lab: LabMeta;
  target: Target;
  lang: Lang;
  store: ProgressStore;
  /** Only the tests of this step (1-based). */
  step?: number;
  /** Only tests whose full name matches this regular expression. */
  testPattern?: string;
  /** Print where the time went after the verdict (`--timings`). */
  timings?: boolean;
  print?(text: string): void;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * vitest's testNamePattern for `--step` and `-t`: it is matched against "describe … test", so a
 * step's tests are the names that start with one of its top-level describe titles.
 */
export function namePattern(step: LabStep | undefined, testPattern: string | undefined): string | undefined {
  const inStep = step ? `^(?:${step.tests.map(escapeRegExp).join('|')}) ` : undefined;
  if (inStep && testPattern !== undefined) return `(?=${inStep})(?=.*(?:${testPattern}))`;
  return inStep ?? testPattern;
}

/** The lesson page (by language) and the step's section in it. */
export function lessonOf(lab: LabMeta, lang: Lang, step?: LabStep): string {
  return `${lang === 'ko' ? `docs/ko/labs/${lab.id}.md` : `docs/labs/${lab.id}.md`}${step ? step.lesson : ''}`;
}

function header(options: RunLabOptions): string {
  const { lab, target, lang } = options;
  const m = messages(lang);
  const whose = target === Target.SOLUTION ? m.theSolution(solutionDirOf(lab)) : m.yourFiles(labDirOf(lab));
  const step = options.step ? lab.steps[options.step - 1] : undefined;
  const only = [step ? m.onlyStep(options.step!, step.title[lang]) : '', options.testPattern !== undefined ? m.onlyMatching(options.testPattern) : '']
    .filter(Boolean)
    .join(', ');
  return `${style.bold(m.testing(lab.id.slice(0, 2), lab.title[lang], whose))}${only ? ` ${style.yellow(`[${only}]`)}` : ''}\n${style.dim(m.lessonAt(lessonOf(lab, lang, step)))}`;
}

export interface VerdictContext {
  lang: Lang;
  /** The step of the first failing test, in lesson order. */
  step?: LabStep;
  /** The run was limited with --step (1-based) and/or -t (a pattern): a pass is that part's, not the lab's. */
  only?: { step?: number; pattern?: string };
  /** In --watch: saving re-runs, so the footer says so instead of "run again". */
  watching?: boolean;
}

/** A -t pattern as one POSIX shell word, to print in a command the learner can paste. */
const shellQuote = (word: string) => (/^[\w./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`);

/**
 * A pass under --step or -t: only that part of the lab passed, so no "done" and no reveal of the
 * reference; the footer names what to run next (the next step, or the whole lab).
 */
function partialPass(lab: LabMeta, verdict: Verdict, took: string, lang: Lang, only: { step?: number; pattern?: string }): string {
  const nn = lab.id.slice(0, 2);
  const m = messages(lang);
  const whole = style.cyan(`npm run lab -- ${nn}`);
  if (only.pattern !== undefined) {
    return [`${mark.pass()} ${style.green(m.matchingPass(verdict.passed, verdict.total, only.pattern))} ${took}`, m.wholeLab(whole)].join('\n');
  }
  const n = only.step!;
  const next = lab.steps[n];
  return [
    `${mark.pass()} ${style.green(m.stepDone(n, verdict.passed, verdict.total))} ${took}`,
    next ? m.nextStep(style.cyan(`npm run lab -- ${nn} --step ${n + 1}`), next.title[lang]) : m.lastStepDone(whole),
  ].join('\n');
}

export function verdictLine(lab: LabMeta, target: Target, verdict: Verdict, seconds: string, context: VerdictContext = { lang: 'en' }): string {
  const nn = lab.id.slice(0, 2);
  const m = messages(context.lang);
  const took = style.dim(`(${seconds} s)`);
  if (verdict.broken) return `${mark.fail()} ${style.red(m.couldNotTest(nn))} ${took}`;
  if (verdict.total === 0) return `${mark.warn()} ${m.noTests(nn)} ${took}`;
  const diff = style.cyan(`npm run lab -- diff ${nn}`);
  if (verdict.failed === 0) {
    if (target === Target.SOLUTION) return `${mark.pass()} ${style.green(m.solutionPasses(verdict.total))} ${took}`;
    if (context.only) return partialPass(lab, verdict, took, context.lang, context.only);
    // The reveal: once the whole lab passes, the reference is worth reading next to one's own code.
    return [`${mark.pass()} ${style.green(m.allPass(verdict.total, nn))} ${took}  ${m.seeProgress}`, m.revealOffer(diff)].join('\n');
  }
  const lines = [`${mark.fail()} ${style.red(m.failing(verdict.failed, verdict.total, verdict.passed))} ${took}`];
  if (target === Target.STARTER) {
    const step = context.step;
    if (step) {
      const n = lab.steps.indexOf(step) + 1;
      lines.push(m.next(n, step.title[context.lang], style.cyan(`${labDirOf(lab)}/${step.files[0]}`), style.cyan(lessonOf(lab, context.lang, step))));
    }
    const pattern = context.only?.pattern !== undefined ? ` -t ${shellQuote(context.only.pattern)}` : '';
    lines.push(`  ${context.watching ? m.nextSave : m.nextRun(style.cyan(`npm run lab -- ${nn}${step ? ` --step ${lab.steps.indexOf(step) + 1}` : ''}${pattern}`))}`);
    lines.push(m.stuck(style.cyan(`npm run lab -- hint ${nn}`), diff));
  }
  return lines.join('\n');
}

/** What --step and -t limited the run to, or undefined for a run of the whole lab. */
function onlyOf(options: RunLabOptions): VerdictContext['only'] {
  if (options.step === undefined && options.testPattern === undefined) return undefined;
  return { ...(options.step !== undefined ? { step: options.step } : {}), ...(options.testPattern !== undefined ? { pattern: options.testPattern } : {}) };
}

/**
 * The progress line of one finished test file, or undefined for a file none of whose tests ran
 * (--step or -t selected none of them; a file that could not load is reported as a problem).
 */
export function fileLine(file: { file: string; passed: number; failed: number; durationMs: number }, lang: Lang): string | undefined {
  if (file.passed + file.failed === 0) return undefined;
  const m = messages(lang);
  return style.dim(`  ${file.failed ? mark.fail() : mark.pass()} ${m.fileDone(file.file, file.passed, file.failed)} (${(file.durationMs / 1000).toFixed(1)} s)`);
}

function explain(report: RunReport, options: RunLabOptions, watching = false): { text: string; verdict: Verdict; step?: LabStep } {
  const { root, lab, target, lang } = options;
  const only = onlyOf(options);
  // Tests left out by --step or -t are not news.
  const shown = only ? { ...report, tests: report.tests.filter((t) => t.state !== TestState.SKIPPED) } : report;
  const verdict = verdictOf(shown);
  const step = currentStepOf(lab, shown.tests);
  const body = formatRun(shown, { learnerFiles: learnerFilesOf(lab), importsOf: (file) => labImportsOf(root, file), lab, lang });
  const seconds = (report.durationMs / 1000).toFixed(1);
  return { text: `${body}\n${verdictLine(lab, target, verdict, seconds, { lang, watching, ...(only ? { only } : {}), ...(step ? { step } : {}) })}`, verdict, ...(step ? { step } : {}) };
}

function record(options: RunLabOptions, report: RunReport, verdict: Verdict, step: LabStep | undefined): void {
  // Only the learner's own runs count as progress; --solution runs say nothing about their work.
  if (options.target !== Target.STARTER) return;
  const steps = tallySteps(options.lab, report.tests, options.testPattern !== undefined);
  options.store.update(options.lab.id, (entry) =>
    onlyOf(options) ? { ...entry, steps: { ...entry?.steps, ...steps } } : afterRun(entry, { ...verdict, steps, ...(step ? { step: step.id } : {}) }, new Date()),
  );
}

function exitCodeOf(verdict: Verdict): ExitCode {
  if (verdict.broken || verdict.total === 0) return ExitCode.CANNOT_RUN;
  return verdict.failed === 0 ? ExitCode.OK : ExitCode.TESTS_FAILED;
}

/** The test workers inherit it: assertion messages written with say() follow the runner's language. */
function useLang(lang: Lang): void {
  process.env[LANG_ENV] = lang;
}

function vitestFilter(options: RunLabOptions) {
  const step = options.step ? options.lab.steps[options.step - 1] : undefined;
  const pattern = namePattern(step, options.testPattern);
  // One lab's few files share one worker (see RunOptions.shareWorker): half the time of a run.
  return { filters: [`${labDirOf(options.lab)}/`], shareWorker: true, ...(pattern !== undefined ? { testNamePattern: pattern } : {}) };
}

/** Type errors of the learner's files, as warnings printed after the verdict (the tests ran anyway). */
export function typeWarnings(notes: TypeErrorNote[]): string {
  if (!notes.length) return '';
  const lines = notes.slice(0, 10).map((n) => `  ${style.cyan(`${n.file}:${n.line}:${n.column}`)} ${n.message}`);
  if (notes.length > 10) lines.push(`  …and ${notes.length - 10} more`);
  return `\n${mark.warn()} ${style.yellow(`${notes.length} type error${notes.length === 1 ? '' : 's'} in your files (the tests ran anyway; TypeScript would refuse this code):`)}\n${lines.join('\n')}`;
}

/**
 * Starts the type check of the learner's files beside the test run (the reference is not checked).
 * The verdict never waits for it: its warnings follow the verdict (tools/runner/typecheck.mjs).
 */
const typecheckOf = (options: RunLabOptions): Promise<TypeErrorNote[]> =>
  options.target === Target.STARTER ? typecheckInBackground(options.root, learnerFilesOf(options.lab)) : Promise.resolve([]);

/** Prints the type warnings once the check is done (after the verdict, which does not wait). */
async function printTypeWarnings(typeErrors: Promise<TypeErrorNote[]>, options: RunLabOptions, print: (text: string) => void): Promise<void> {
  const warnings = typeWarnings(await typeErrors);
  if (warnings) print(warnings);
  if (options.timings && options.target === Target.STARTER) {
    print(style.dim(`  ${(performance.now() / 1000).toFixed(2).padStart(6)} s  the type check of your files was done (beside the tests; the verdict did not wait)`));
  }
}

export async function runLab(options: RunLabOptions): Promise<ExitCode> {
  const print = options.print ?? ((text: string) => console.log(text));
  print(header(options));
  useLang(options.lang);
  const started = Date.now();
  const typeErrors = typecheckOf(options);
  const report = await runVitest({
    root: options.root,
    project: options.target,
    ...vitestFilter(options),
    onConsole: (text, stream) => (stream === 'stderr' ? process.stderr : process.stdout).write(style.dim(text)),
    // Progress as the run goes: one line per test file.
    onFileFinished: (file) => {
      const line = fileLine(file, options.lang);
      if (line) print(line);
    },
  });
  report.durationMs = Date.now() - started;
  const { text, verdict, step } = explain(report, options);
  print(`\n${text}`);
  record(options, report, verdict, step);
  if (options.timings && report.timings) print(style.dim(formatTimings(report.timings)));
  await printTypeWarnings(typeErrors, options, print);
  return exitCodeOf(verdict);
}

/** Resolves with false when watching could not start (the problem is printed), else never. */
export async function watchLab(options: RunLabOptions & { poll: boolean }): Promise<boolean> {
  const print = options.print ?? ((text: string) => console.log(text));
  print(header(options));
  useLang(options.lang);
  const m = messages(options.lang);
  const waiting = () => print(style.dim(`\n${m.watching(options.poll)}`));
  // One type-check process for the whole session: after a save it parses only what changed.
  const session = options.target === Target.STARTER ? typecheckSession() : undefined;
  const typecheck = (): Promise<TypeErrorNote[]> => session?.check(options.root, learnerFilesOf(options.lab)) ?? Promise.resolve([]);
  let typeErrors = typecheck();
  const problem = await watchVitest({
    root: options.root,
    project: options.target,
    ...vitestFilter(options),
    poll: options.poll,
    onConsole: (text, stream) => (stream === 'stderr' ? process.stderr : process.stdout).write(style.dim(text)),
    rerunAllOn: [`**/${labDirOf(options.lab)}/**`, '**/solutions/**', '**/tools/**', '**/prisma/**'],
    onRerun: (changed) => {
      typeErrors = typecheck();
      print(style.dim(`\n${m.rerun(new Date().toLocaleTimeString(), changed, options.lab.id.slice(0, 2))}`));
    },
    onRunEnd: async (report) => {
      const { text, verdict, step } = explain(report, options, true);
      print(`\n${text}`);
      record(options, report, verdict, step);
      if (options.timings && report.timings) print(style.dim(formatTimings(report.timings)));
      await printTypeWarnings(typeErrors, options, print);
      waiting();
    },
  });
  if (!problem) return new Promise<boolean>(() => {}); // watching until Ctrl-C
  session?.close();
  print(`\n${formatProblem(problem, options.lang)}\n${mark.fail()} ${style.red(m.watchFailed)}`);
  return false;
}
