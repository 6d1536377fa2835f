import { describe, expect, test } from 'vitest';
import { findLab, ROOT } from '../labs/meta.ts';
import { Target } from '../vitest/target-plugin.ts';
import { fileLine, verdictLine } from './run-lab.ts';

const lab = findLab('05', ROOT)!;
const failing = { passed: 3, failed: 4, total: 7, broken: false };
const passing = { passed: 6, failed: 0, total: 6, broken: false };

describe('verdictLine footer', () => {
  test('a single run says which command to run again', () => {
    const text = verdictLine(lab, Target.STARTER, failing, '1.0', { lang: 'en', step: lab.steps[0]! });

    expect(text).toContain('then run npm run lab -- 05 --step 1 again');
  });

  test('after -t, the command to run again keeps the pattern, quoted for the shell', () => {
    const text = verdictLine(lab, Target.STARTER, failing, '1.0', { lang: 'en', step: lab.steps[0]!, only: { pattern: "it's a TTL" } });

    expect(text).toContain(`then run npm run lab -- 05 --step 1 -t 'it'\\''s a TTL' again`);
  });

  test('in --watch it says saving re-runs, never to run the command again (en, ko)', () => {
    const en = verdictLine(lab, Target.STARTER, failing, '1.0', { lang: 'en', step: lab.steps[0]!, watching: true });
    const ko = verdictLine(lab, Target.STARTER, failing, '1.0', { lang: 'ko', step: lab.steps[0]!, watching: true });

    expect(en).toContain('fix failure 1 and save: the tests run again by themselves.');
    expect(en).not.toMatch(/run npm run lab -- 05.* again/);
    expect(ko).not.toContain('다시 실행하세요');
  });
});

describe('verdictLine after a limited run that passed', () => {
  test('--step: the step is done, the next step is named, the lab is not called done (en, ko)', () => {
    const en = verdictLine(lab, Target.STARTER, passing, '1.0', { lang: 'en', only: { step: 1 } });
    const ko = verdictLine(lab, Target.STARTER, passing, '1.0', { lang: 'ko', only: { step: 1 } });

    expect(en).toContain('Step 1 done (6 of 6 passing) (1.0 s)');
    expect(en).toContain(`Next: npm run lab -- 05 --step 2 (${lab.steps[1]!.title.en})`);
    expect(ko).toContain('1단계 완료 (테스트 6개 중 6개 통과) (1.0 s)');
    expect(ko).toContain(`다음: npm run lab -- 05 --step 2 (${lab.steps[1]!.title.ko})`);
    for (const text of [en, ko]) {
      expect(text).not.toContain('diff 05');
      expect(text).not.toMatch(/failing|실패/);
    }
  });

  test('--step on the last step sends the learner to the whole lab', () => {
    const text = verdictLine(lab, Target.STARTER, passing, '1.0', { lang: 'en', only: { step: lab.steps.length } });

    expect(text).toContain('now run the whole lab, npm run lab -- 05');
  });

  test('-t: only the matching tests passed; no "done", no reveal of the reference (en, ko)', () => {
    const en = verdictLine(lab, Target.STARTER, passing, '1.0', { lang: 'en', only: { pattern: 'TTL' } });
    const ko = verdictLine(lab, Target.STARTER, passing, '1.0', { lang: 'ko', only: { pattern: 'TTL' } });

    expect(en).toContain('6 of 6 tests matching /TTL/ passing');
    expect(en).toContain('The whole lab: npm run lab -- 05');
    expect(ko).toContain('/TTL/에 맞는 테스트 6개 중 6개 통과');
    for (const text of [en, ko]) expect(text).not.toMatch(/done|완료|diff 05/);
  });

  test('a whole-lab pass is done and offers the reference', () => {
    const text = verdictLine(lab, Target.STARTER, passing, '1.0', { lang: 'en' });

    expect(text).toContain('All 6 tests pass: lab 05 is done!');
    expect(text).toContain('npm run lab -- diff 05');
  });
});

describe('fileLine', () => {
  test('a file none of whose tests ran (--step, -t) gets no line', () => {
    expect(fileLine({ file: 'labs/01-sql-basics/transaction.test.ts', passed: 0, failed: 0, durationMs: 10 }, 'en')).toBeUndefined();
  });

  test('a file whose tests ran gets its counts', () => {
    expect(fileLine({ file: 'labs/01-sql-basics/schema.test.ts', passed: 6, failed: 0, durationMs: 1234 }, 'en')).toBe('  ✓ labs/01-sql-basics/schema.test.ts: 6 passed (1.2 s)');
  });
});
