import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { LANG_ENV } from './say.ts';
import { rejected, resolved } from './settled.ts';

const ROOT = join(import.meta.dirname, '../..');

/** What a failed assertion said, or undefined when it did not fail. */
async function failureOf(check: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await check();
  } catch (error) {
    return (error as Error).message;
  }
  return undefined;
}

describe('rejected / resolved keep the test’s message', () => {
  const saved = process.env[LANG_ENV];
  afterEach(() => {
    if (saved === undefined) delete process.env[LANG_ENV];
    else process.env[LANG_ENV] = saved;
  });

  test('vitest’s own .rejects drops the message when the promise resolves (why these exist)', async () => {
    const said = await failureOf(() => expect(Promise.resolve(1), 'declare it NOT NULL').rejects.toThrow());
    expect(said).toContain('instead of rejecting');
    expect(said).not.toContain('declare it NOT NULL');
  });

  test('a promise that resolves fails with the message and a short quote of the value', async () => {
    process.env[LANG_ENV] = 'en';
    const pgResult = { command: 'INSERT', rowCount: 1, rows: [], _types: { huge: 'x'.repeat(5000) } };
    const said = await failureOf(async () => (await rejected(Promise.resolve(pgResult), 'declare it NOT NULL')).toBeInstanceOf(Error));
    expect(said).toContain('declare it NOT NULL');
    expect(said).toContain("but it succeeded with: { command: 'INSERT', rowCount: 1, rows: [] }");
  });

  test('with no message it still says, in the learner’s language, that a failure was expected', async () => {
    process.env[LANG_ENV] = 'ko';
    const said = await failureOf(async () => (await rejected(Promise.resolve('x'.repeat(1000)))).toBeInstanceOf(Error));
    expect(said).toContain('실패(reject)해야 합니다');
    expect(said?.length).toBeLessThan(300);
  });

  test('a rejection goes on to the matchers, which keep the message', async () => {
    (await rejected(Promise.reject(Object.assign(new Error('dup'), { code: '23505' })))).toMatchObject({ code: '23505' });
    const said = await failureOf(async () =>
      (await rejected(Promise.reject(new Error('boom')), 'should be a unique violation')).toMatchObject({ code: '23505' }),
    );
    expect(said).toContain('should be a unique violation');
  });

  test('resolved: a rejection fails with the message and the error; a value goes on to the matchers', async () => {
    process.env[LANG_ENV] = 'en';
    (await resolved(Promise.resolve(2))).toBe(2);
    const said = await failureOf(async () => (await resolved(Promise.reject(new Error('ECONNRESET')), 'close() should settle')).toBe(1));
    expect(said).toContain('close() should settle');
    expect(said).toContain('but it threw');
    expect(said).toContain('ECONNRESET');
  });

  test('no test of a lab or of the app uses .rejects / .resolves (they lose the message), nor toThrow on a rejection reason', () => {
    const offenders: string[] = [];
    const scan = (dir: string) => {
      for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })) {
        if (!entry.isFile() || !entry.name.endsWith('.test.ts')) continue;
        const file = join(entry.parentPath, entry.name);
        readFileSync(file, 'utf8')
          .split('\n')
          .forEach((line, i) => {
            if (/\)\s*\.(rejects|resolves)\./.test(line) || /await rejected\(.*\)\)\.toThrow\(/.test(line))
              offenders.push(`${file.slice(ROOT.length + 1)}:${i + 1}`);
          });
      }
    };
    scan('labs');
    scan('solutions');
    expect(offenders, 'use rejected()/resolved() from tools/testing/settled.ts').toEqual([]);
  });
});
