// `npm run lab -- hint NN`: the next hint of the current step, one more each time. The current
// step is the step of the first failing test in the learner's last run (kept in the progress
// file), or the one `--step N` names; each step's hints go nudge → API/concept → code.
import type { LabMeta, LabStep } from '../labs/meta.ts';
import type { Lang } from './args.ts';
import type { ProgressStore } from './progress.ts';
import { indent, style } from './style.ts';

export interface HintReveal {
  /** 1-based number of the hint shown now, or null when every hint had been shown already. */
  number: number | null;
  text: string;
}

/** Pure: which hint to show after `shown` have been shown. */
export function nextHint(hints: string[], shown: number): HintReveal {
  if (shown >= hints.length) return { number: null, text: '' };
  return { number: shown + 1, text: hints[shown]! };
}

const TEXT = {
  en: {
    heading: (n: number, of: number, step: number, title: string, lab: string) => `Hint ${n} of ${of} · step ${step} (${title}) · lab ${lab}`,
    why: (fromRun: boolean) =>
      fromRun ? 'For the step of the first failing test in your last run.' : 'You have not run this lab yet, so this is the first step.',
    more: (left: number) => `Run it again for the next hint of this step (${left} left).`,
    last: 'That was the last hint of this step.',
    allShown: (of: number, step: number, title: string) => `All ${of} hints of step ${step} (${title}) have been shown:`,
    stillStuck: (command: string) => `Still stuck? Compare your files with the reference: ${command}`,
  },
  ko: {
    heading: (n: number, of: number, step: number, title: string, lab: string) => `힌트 ${n}/${of} · ${step}단계(${title}) · 실습 ${lab}`,
    why: (fromRun: boolean) =>
      fromRun ? '지난 실행에서 처음 실패한 테스트의 단계에 대한 힌트입니다.' : '아직 이 실습을 실행하지 않았으므로 첫 단계의 힌트입니다.',
    more: (left: number) => `이 단계의 다음 힌트를 보려면 한 번 더 실행하세요 (${left}개 남음).`,
    last: '이 단계의 마지막 힌트였습니다.',
    allShown: (of: number, step: number, title: string) => `${step}단계(${title})의 힌트 ${of}개를 모두 보았습니다:`,
    stillStuck: (command: string) => `그래도 막히면 모범 답안과 비교해 보세요: ${command}`,
  },
} as const satisfies Record<Lang, unknown>;

/** The step `hint` talks about: `--step N` when given, else the last run's, else the first. */
export function currentStep(lab: LabMeta, lastRunStep: string | undefined, stepNumber?: number): { step: LabStep; fromRun: boolean } {
  if (stepNumber !== undefined) return { step: lab.steps[stepNumber - 1]!, fromRun: false };
  const fromRun = lab.steps.find((s) => s.id === lastRunStep);
  return fromRun ? { step: fromRun, fromRun: true } : { step: lab.steps[0]!, fromRun: false };
}

export function showHint(lab: LabMeta, lang: Lang, store: ProgressStore, stepNumber?: number): string {
  const nn = lab.id.slice(0, 2);
  const t = TEXT[lang];
  const entry = store.lab(lab.id);
  const { step, fromRun } = currentStep(lab, entry?.step, stepNumber);
  const hints = step.hints.map((h) => h[lang]);
  // The number and the title go to the text separately: Korean puts 단계 between them.
  const n = lab.steps.indexOf(step) + 1;
  const title = step.title[lang];
  const reveal = nextHint(hints, entry?.hints?.[step.id] ?? 0);
  if (reveal.number === null) {
    return [
      style.bold(t.allShown(hints.length, n, title)),
      ...hints.map((hint, i) => indent(`${i + 1}. ${hint}`, 2)),
      '',
      t.stillStuck(style.cyan(`npm run lab -- diff ${nn}`)),
    ].join('\n');
  }
  store.update(lab.id, (e) => ({ ...e, hints: { ...e?.hints, [step.id]: reveal.number! } }));
  const left = hints.length - reveal.number;
  return [
    style.bold(t.heading(reveal.number, hints.length, n, title, `${nn} · ${lab.title[lang]}`)),
    ...(stepNumber === undefined ? [style.dim(t.why(fromRun))] : []),
    indent(reveal.text, 2),
    '',
    style.dim(left > 0 ? t.more(left) : t.last),
  ].join('\n');
}
