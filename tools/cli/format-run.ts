// What the learner reads after `npm run lab -- NN`: which behaviour failed, expected vs actual,
// which file to open; and, kept apart, set-up problems that are not a verdict on their code.
import { stepOf, type LabMeta, type LabStep } from '../labs/meta.ts';
import { ProblemKind, TestState, type Problem, type RunReport, type TestOutcome } from '../runner/results.ts';
import type { Lang } from './args.ts';
import { messages } from './messages.ts';
import { clip, indent, mark, style } from './style.ts';

/** How many failures get the full treatment; the rest are listed by name. */
const DETAILED = 5;

export interface FormatOptions {
  /** The lab's learner files (relative to the root), for "open:" when the stack names none. */
  learnerFiles: string[];
  /** Learner files a test file imports (relative to the root). */
  importsOf(testFile: string): string[];
  /** The lab, for grouping and ordering by its steps. @default tests grouped by file */
  lab?: Pick<LabMeta, 'id' | 'steps'>;
  /** @default 'en' */
  lang?: Lang;
}

/** Index of a test's step in the lab (tests in no step come last). */
export function stepIndexOf(lab: Pick<LabMeta, 'steps'>, test: Pick<TestOutcome, 'group'>): number {
  const step = stepOf(lab, test.group);
  return step ? lab.steps.indexOf(step) : lab.steps.length;
}

/** Pure: tests in lesson order: by step, then file and line (a stable sort keeps the rest). */
export function inStepOrder<T extends Pick<TestOutcome, 'group' | 'file' | 'line'>>(lab: Pick<LabMeta, 'steps'> | undefined, tests: T[]): T[] {
  if (!lab) return tests;
  return [...tests].sort((a, b) => stepIndexOf(lab, a) - stepIndexOf(lab, b));
}

/** The step of the first failing test, in lesson order. */
export function currentStepOf(lab: Pick<LabMeta, 'steps'>, tests: TestOutcome[]): LabStep | undefined {
  const first = inStepOrder(lab, tests.filter((t) => t.state === TestState.FAILED))[0];
  return first ? stepOf(lab, first.group) : undefined;
}

export function problemTitle(problem: Problem, lang: Lang = 'en'): string {
  const m = messages(lang);
  switch (problem.kind) {
    case ProblemKind.SETUP:
      return m.problemSetup;
    case ProblemKind.LOAD:
      return m.problemLoad(problem.file);
    case ProblemKind.HOOK:
      return m.problemHook(problem.file);
    case ProblemKind.UNHANDLED:
      return m.problemUnhandled(problem.file);
  }
}

function problemAdvice(problem: Problem, lang: Lang): string {
  const m = messages(lang);
  switch (problem.kind) {
    case ProblemKind.SETUP:
    case ProblemKind.HOOK:
      return m.adviceSetup;
    case ProblemKind.LOAD:
      return m.adviceLoad;
    case ProblemKind.UNHANDLED:
      return m.adviceUnhandled;
  }
}

export function formatProblem(problem: Problem, lang: Lang = 'en'): string {
  const lines = [`${mark.fail()} ${style.bold(problemTitle(problem, lang))}`, indent(clip(problem.message, 25), 4)];
  if (problem.where?.length && problem.kind !== ProblemKind.SETUP && problem.kind !== ProblemKind.HOOK) lines.push(indent(style.dim(`at ${problem.where.join('\n   ')}`), 4));
  lines.push(indent(style.yellow(problemAdvice(problem, lang)), 4));
  return lines.join('\n');
}

function where(test: TestOutcome, options: FormatOptions): string {
  const m = messages(options.lang ?? 'en');
  const parts: string[] = [];
  const f = test.failure;
  if (f?.source) parts.push(`${m.open} ${f.source.file}:${f.source.line}`);
  else {
    const step = options.lab && stepOf(options.lab, test.group);
    const fromStep = step ? step.files.map((file) => `labs/${options.lab!.id}/${file}`) : [];
    const candidates = options.importsOf(test.file).filter((file) => options.learnerFiles.includes(file));
    const files = fromStep.length ? fromStep : candidates.length ? candidates : options.learnerFiles;
    if (files.length) parts.push(`${m.open} ${files.join(', ')}`);
  }
  parts.push(`${m.test} ${test.file}:${f?.testLine ?? test.line ?? 1}`);
  return style.cyan(parts.join('   '));
}

function colourDiff(diff: string): string {
  return diff
    .split('\n')
    .map((line) => (line.startsWith('-') ? style.green(line) : line.startsWith('+') ? style.red(line) : line))
    .join('\n');
}

/**
 * A starter's own "Not implemented yet: X" or "TODO: X" error (thrown where the learner's code goes)
 * in the learner's language; any other message unchanged. English keeps the starter's words.
 */
export function starterMessage(message: string, lang: Lang): string {
  if (lang === 'en') return message;
  const match = /^(?:Not implemented yet|TODO):\s*([\s\S]*)$/.exec(message);
  return match ? messages(lang).notImplemented(match[1]!) : message;
}

export function formatFailure(test: TestOutcome, index: number, options: FormatOptions): string {
  const m = messages(options.lang ?? 'en');
  const f = test.failure;
  const lines = [`${style.red(`${index})`)} ${style.bold(test.fullName.replaceAll(' > ', ' › '))}`];
  if (f?.inHook) lines.push(indent(style.dim(m.inHook), 3));
  if (f) {
    lines.push(indent(clip(starterMessage(f.message, options.lang ?? 'en'), 12), 3));
    if (f.expected !== undefined && f.actual !== undefined) {
      const oneLine = !f.expected.includes('\n') && !f.actual.includes('\n');
      if (oneLine) {
        lines.push(indent(`${style.green(m.expected)} ${f.expected}`, 3));
        lines.push(indent(`${style.red(m.actual)} ${f.actual}`, 3));
      } else if (f.diff) {
        lines.push(indent(colourDiff(clip(f.diff, 30)), 3));
      }
    }
  }
  lines.push(indent(where(test, options), 3));
  return lines.join('\n');
}

const markOf = (t: TestOutcome) => (t.state === TestState.PASSED ? mark.pass() : t.state === TestState.FAILED ? mark.fail() : mark.skip());

/** The list of test results: by lesson step when the lab is known, else by file. */
export function formatTestList(tests: TestOutcome[], lab?: Pick<LabMeta, 'id' | 'steps'>, lang: Lang = 'en'): string {
  const groups = new Map<string, TestOutcome[]>();
  const headingOf = (t: TestOutcome) => {
    if (!lab) return t.file;
    const step = stepOf(lab, t.group);
    return step ? messages(lang).stepHeading(lab.steps.indexOf(step) + 1, step.title[lang], step.files.join(', ')) : messages(lang).otherTests;
  };
  for (const t of lab ? inStepOrder(lab, tests) : [...tests].sort((a, b) => a.file.localeCompare(b.file))) {
    const heading = headingOf(t);
    groups.set(heading, [...(groups.get(heading) ?? []), t]);
  }
  const out: string[] = [];
  for (const [heading, groupTests] of groups) {
    out.push(style.dim(heading));
    for (const t of groupTests) out.push(`  ${markOf(t)} ${t.fullName.replaceAll(' > ', ' › ')}`);
  }
  return out.join('\n');
}

export interface Verdict {
  passed: number;
  failed: number;
  total: number;
  /** A problem kept the run from testing (some of) the code. */
  broken: boolean;
}

export function verdictOf(report: RunReport): Verdict {
  const passed = report.tests.filter((t) => t.state === TestState.PASSED).length;
  const failed = report.tests.filter((t) => t.state === TestState.FAILED).length;
  const broken = report.problems.some((p) => p.kind !== ProblemKind.UNHANDLED) || (report.tests.length === 0 && report.problems.length > 0);
  return { passed, failed, total: passed + failed, broken };
}

/** The full learner-facing report of one run. */
export function formatRun(report: RunReport, options: FormatOptions): string {
  const lang = options.lang ?? 'en';
  const m = messages(lang);
  const out: string[] = [];
  if (report.tests.length) out.push(formatTestList(report.tests, options.lab, lang), '');
  for (const problem of report.problems) out.push(formatProblem(problem, lang), '');

  // In lesson order: failure 1 is in the step the learner is on.
  const failures = inStepOrder(options.lab, report.tests.filter((t) => t.state === TestState.FAILED));
  for (const [i, t] of failures.slice(0, DETAILED).entries()) out.push(formatFailure(t, i + 1, options), '');
  if (failures.length > DETAILED) {
    const rest = failures.slice(DETAILED);
    const listed = rest.slice(0, 10).map((t) => `   - ${t.fullName.replaceAll(' > ', ' › ')}`);
    if (rest.length > 10) listed.push(`   - ${m.andMore(rest.length - 10)}`);
    out.push(style.dim(`${m.moreFailing(rest.length)}\n${listed.join('\n')}`), '');
  }
  return out.join('\n');
}
