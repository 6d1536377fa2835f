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

export function showHint(lab: LabMeta, lang: Lang, store: ProgressStore): string {
  const hints = lab.hints[lang];
  const nn = lab.id.slice(0, 2);
  const reveal = nextHint(hints, store.lab(lab.id)?.hintsShown ?? 0);
  if (reveal.number === null) {
    return [
      style.bold(`All ${hints.length} hints for lab ${nn} · ${lab.title[lang]} have been shown:`),
      ...hints.map((hint, i) => indent(`${i + 1}. ${hint}`, 2)),
      '',
      `Still stuck? Compare your files with the reference: ${style.cyan(`npm run lab -- diff ${nn}`)}`,
    ].join('\n');
  }
  store.update(lab.id, (entry) => ({ ...entry, hintsShown: reveal.number! }));
  const left = hints.length - reveal.number;
  return [
    style.bold(`Hint ${reveal.number} of ${hints.length} for lab ${nn} · ${lab.title[lang]}`),
    indent(reveal.text, 2),
    '',
    style.dim(left > 0 ? `Run it again for the next hint (${left} left).` : 'That was the last hint.'),
  ].join('\n');
}
