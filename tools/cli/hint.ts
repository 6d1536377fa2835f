// `npm run lab -- hint NN`: one more hint each time; the count is kept in the progress file.
import type { LabMeta } from '../labs/meta.ts';
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
    heading: (n: number, of: number, lab: string) => `Hint ${n} of ${of} for lab ${lab}`,
    more: (left: number) => `Run it again for the next hint (${left} left).`,
    last: 'That was the last hint.',
    allShown: (of: number, lab: string) => `All ${of} hints for lab ${lab} have been shown:`,
    stillStuck: (command: string) => `Still stuck? Compare your files with the reference: ${command}`,
  },
  ko: {
    heading: (n: number, of: number, lab: string) => `힌트 ${n}/${of} · 실습 ${lab}`,
    more: (left: number) => `다음 힌트를 보려면 한 번 더 실행하세요 (${left}개 남음).`,
    last: '마지막 힌트였습니다.',
    allShown: (of: number, lab: string) => `실습 ${lab}의 힌트 ${of}개를 모두 보았습니다:`,
    stillStuck: (command: string) => `그래도 막히면 참고 답안과 비교해 보세요: ${command}`,
  },
} as const satisfies Record<Lang, unknown>;

export function showHint(lab: LabMeta, lang: Lang, store: ProgressStore): string {
  const hints = lab.hints[lang];
  const nn = lab.id.slice(0, 2);
  const t = TEXT[lang];
  const reveal = nextHint(hints, store.lab(lab.id)?.hintsShown ?? 0);
  if (reveal.number === null) {
    return [
      style.bold(t.allShown(hints.length, `${nn} · ${lab.title[lang]}`)),
      ...hints.map((hint, i) => indent(`${i + 1}. ${hint}`, 2)),
      '',
      t.stillStuck(style.cyan(`npm run lab -- diff ${nn}`)),
    ].join('\n');
  }
  store.update(lab.id, (entry) => ({ ...entry, hintsShown: reveal.number! }));
  const left = hints.length - reveal.number;
  return [
    style.bold(t.heading(reveal.number, hints.length, `${nn} · ${lab.title[lang]}`)),
    indent(reveal.text, 2),
    '',
    style.dim(left > 0 ? t.more(left) : t.last),
  ].join('\n');
}
