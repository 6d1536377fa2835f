import { afterEach, describe, expect, test } from 'vitest';
import { LANG_ENV, learnerLang, say } from './say.ts';

describe('say', () => {
  const saved = process.env[LANG_ENV];
  afterEach(() => {
    if (saved === undefined) delete process.env[LANG_ENV];
    else process.env[LANG_ENV] = saved;
  });

  test('the runner’s choice (WORKBOOK_LANG) wins over the locale', () => {
    expect(learnerLang({ [LANG_ENV]: 'ko', LANG: 'en_US.UTF-8' })).toBe('ko');
    expect(learnerLang({ [LANG_ENV]: 'en', LANG: 'ko_KR.UTF-8' })).toBe('en');
  });

  test('else a Korean locale picks Korean, anything else English', () => {
    expect(learnerLang({ LANG: 'ko_KR.UTF-8' })).toBe('ko');
    expect(learnerLang({ LC_ALL: 'ko_KR', LANG: 'en_US' })).toBe('ko');
    expect(learnerLang({ LANG: 'C.UTF-8' })).toBe('en');
    expect(learnerLang({})).toBe('en');
  });

  test('picks the message of the learner’s language', () => {
    process.env[LANG_ENV] = 'ko';
    expect(say({ en: 'should be stored', ko: '저장되어야 합니다' })).toBe('저장되어야 합니다');
    process.env[LANG_ENV] = 'en';
    expect(say({ en: 'should be stored', ko: '저장되어야 합니다' })).toBe('should be stored');
  });
});
