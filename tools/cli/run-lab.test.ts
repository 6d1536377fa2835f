import { describe, expect, test } from 'vitest';
import { findLab, ROOT } from '../labs/meta.ts';
import { Target } from '../vitest/target-plugin.ts';
import { verdictLine } from './run-lab.ts';

const lab = findLab('05', ROOT)!;
const failing = { passed: 3, failed: 4, total: 7, broken: false };

describe('verdictLine footer', () => {
  test('a single run says which command to run again', () => {
    const text = verdictLine(lab, Target.STARTER, failing, '1.0', { lang: 'en', step: lab.steps[0]! });

    expect(text).toContain('then run npm run lab -- 05 --step 1 again');
  });

  test('in --watch it says saving re-runs, never to run the command again (en, ko)', () => {
    const en = verdictLine(lab, Target.STARTER, failing, '1.0', { lang: 'en', step: lab.steps[0]!, watching: true });
    const ko = verdictLine(lab, Target.STARTER, failing, '1.0', { lang: 'ko', step: lab.steps[0]!, watching: true });

    expect(en).toContain('fix failure 1 and save: the tests run again by themselves.');
    expect(en).not.toMatch(/run npm run lab -- 05.* again/);
    expect(ko).not.toContain('다시 실행하세요');
  });
});
