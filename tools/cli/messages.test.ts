import { describe, expect, test } from 'vitest';
import { MESSAGES } from './messages.ts';

describe('the runner message catalogue', () => {
  test('every key exists in English and Korean, with the same kind of value', () => {
    const en = MESSAGES.en as Record<string, unknown>;
    const ko = MESSAGES.ko as Record<string, unknown>;

    expect(Object.keys(ko).sort()).toEqual(Object.keys(en).sort());
    for (const key of Object.keys(en)) {
      expect(typeof ko[key], `MESSAGES.ko.${key}`).toBe(typeof en[key]);
      if (typeof en[key] === 'function') expect((ko[key] as (...a: unknown[]) => unknown).length, `MESSAGES.ko.${key} arguments`).toBe((en[key] as (...a: unknown[]) => unknown).length);
    }
  });

  test('no Korean message is left in English', () => {
    const sample = (value: unknown) => (typeof value === 'function' ? String((value as (...a: unknown[]) => unknown)(1, 'x', 'y', 'z')) : String(value));
    const untranslated = Object.entries(MESSAGES.ko).filter(([key, value]) => sample(value) === sample((MESSAGES.en as Record<string, unknown>)[key]));

    expect(untranslated.map(([key]) => key)).toEqual([]);
  });
});
