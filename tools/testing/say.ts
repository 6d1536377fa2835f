// Assertion messages in the learner's language: `expect(rows, say({ en: '…', ko: '…' }))`.
// The language is the runner's (`npm run lab -- NN --lang ko` sets WORKBOOK_LANG for the test
// workers), else a Korean locale (LC_ALL, LC_MESSAGES or LANG starting with "ko"), else English.

export type Lang = 'en' | 'ko';

/** A message in both languages. */
export interface Said {
  en: string;
  ko: string;
}

/** Environment variable the runner sets for the test workers: `en` or `ko`. */
export const LANG_ENV = 'WORKBOOK_LANG';

/** The learner's language, from WORKBOOK_LANG, else the locale variables. */
export function learnerLang(env: Record<string, string | undefined> = process.env): Lang {
  const chosen = env[LANG_ENV];
  if (chosen === 'en' || chosen === 'ko') return chosen;
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return locale.toLowerCase().startsWith('ko') ? 'ko' : 'en';
}

/** The message in the learner's language. */
export function say(text: Said): string {
  return text[learnerLang()];
}
