// `await expect(promise, message).rejects.…` loses `message` in vitest 4 exactly when the learner is
// wrong in the usual way: the promise resolves (a missing constraint, a starter that returns) and vitest
// prints only `promise resolved "Result{…}" instead of rejecting` with a diff of the resolved object.
// `.resolves` does the same the other way round. These two keep the message, in the learner's language.
import { AssertionError } from 'node:assert';
import { inspect } from 'node:util';
import { type Assertion, expect } from 'vitest';
import { say } from './say.ts';

/** At most this many characters of a value are quoted in a message (a pg `Result` is ~100 lines). */
const QUOTE_CHARS = 160;

function quote(value: unknown): string {
  // node-postgres answers with a Result whose parsers and type tables fill the quote: keep what it says.
  if (value && typeof value === 'object' && 'command' in value && 'rowCount' in value) {
    const { command, rowCount, rows } = value as { command: unknown; rowCount: unknown; rows: unknown };
    value = { command, rowCount, rows };
  }
  const text = inspect(value, { depth: 1, breakLength: Number.POSITIVE_INFINITY });
  return text.length > QUOTE_CHARS ? `${text.slice(0, QUOTE_CHARS)}…` : text;
}

/**
 * Waits for `promise` to reject and returns `expect(reason, message)` for the matchers:
 * `(await rejected(insert(), say({ en, ko }))).toMatchObject({ code: '23505' })`.
 * If it resolves instead, fails with `message` (or a generic one) and a short quote of the value.
 * The matchers see the reason as a value: use `toBeInstanceOf`, `toMatchObject` or
 * `toHaveProperty('message', expect.stringMatching(re))`, not `toThrow` (which wants a function).
 * @throws AssertionError when the promise resolves.
 */
export async function rejected(promise: PromiseLike<unknown>, message?: string): Promise<Assertion<unknown>> {
  let value: unknown;
  try {
    value = await promise;
  } catch (reason) {
    return expect(reason, message);
  }
  const head = message ?? say({ en: 'expected this call to fail (reject)', ko: '이 호출은 실패(reject)해야 합니다' });
  throw new AssertionError({
    message: `${head}\n${say({ en: 'but it succeeded with', ko: '하지만 성공했고 돌려준 값은' })}: ${quote(value)}`,
  });
}

/**
 * Waits for `promise` to resolve and returns `expect(value, message)` for the matchers.
 * If it rejects instead, fails with `message` (or a generic one) and the error's own message.
 * @throws AssertionError when the promise rejects.
 */
export async function resolved<T>(promise: PromiseLike<T>, message?: string): Promise<Assertion<T>> {
  let value: T;
  try {
    value = await promise;
  } catch (reason) {
    const head = message ?? say({ en: 'expected this call to succeed', ko: '이 호출은 성공해야 합니다' });
    throw new AssertionError({
      message: `${head}\n${say({ en: 'but it threw', ko: '하지만 오류가 났습니다' })}: ${quote(reason)}`,
    });
  }
  return expect(value, message);
}
