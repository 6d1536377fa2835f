import { describe, expect, test } from 'vitest';
import { findCopies, similarity } from './copies.ts';

const reference = `
export async function readSession(client: Client, token: string): Promise<number | null> {
  const value = await client.get(\`session:\${token}\`);
  if (value === null) return null;
  const userId = Number(value);
  return Number.isInteger(userId) ? userId : null;
}
`;
const starter = `
export async function readSession(client: Client, token: string): Promise<number | null> {
  // TODO: read the session's user id
  throw new Error('TODO: readSession');
}
`;
const own = `
export async function readSession(redis: Client, t: string) {
  const raw = await redis.get('session:' + t);
  return raw == null ? null : parseInt(raw, 10) || null;
}
`;

describe('copied-solution flags', () => {
  test('a copy is identical once comments, whitespace and semicolons are gone', () => {
    const disguised = `// my own work!\n${reference.replace(/;/g, '').replace(/\n {2}/g, '\n    ')}`;
    expect(similarity(disguised, reference)).toBe(1);
    expect(findCopies([{ file: 'labs/05-x/strings.ts', learner: disguised, reference, starter }])).toEqual([{ file: 'labs/05-x/strings.ts', similarity: 1, identical: true }]);
  });

  test('a copy with one line changed is near-identical; own work and the untouched starter are not flagged', () => {
    const tweaked = `${reference}export const SESSION_TTL = 60;\n`;
    const [flag] = findCopies([{ file: 'a.ts', learner: tweaked, reference, starter }]);
    expect(flag).toMatchObject({ identical: false });
    expect(flag!.similarity).toBeGreaterThanOrEqual(0.9);
    expect(findCopies([{ file: 'a.ts', learner: own, reference, starter }])).toEqual([]);
    expect(findCopies([{ file: 'a.ts', learner: starter, reference, starter }])).toEqual([]);
  });

  test('a file whose starter is already close to the reference is never flagged', () => {
    expect(findCopies([{ file: 'a.ts', learner: reference, reference, starter: `${reference}export const SESSION_TTL = 60;\n` }])).toEqual([]);
  });
});
