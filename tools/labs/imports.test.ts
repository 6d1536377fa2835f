// A learner's unfinished lab must never break another lab: a starter file that imports an earlier
// lab reaches for the reference code in solutions/, not for the learner's copy in labs/ (which may
// not compile yet). Test support (test files, test-kit.ts) may import what it tests.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { ROOT } from './meta.ts';

// `import type` is left out: it is erased before the code runs, so it cannot break another lab at run time.
const IMPORT = /(?:import|export)\s(?!type\s)[^'"]*?from\s+['"]([^'"]+)['"]/g;
const isSupport = (file: string) => file.endsWith('.test.ts') || file === 'test-kit.ts';

/** `labs/NN-x/file.ts -> labs/MM-y/...` for every learner-side import into another lab's folder. */
function crossLabImports(): string[] {
  const found: string[] = [];
  const labsDir = path.join(ROOT, 'labs');
  for (const lab of readdirSync(labsDir)) {
    for (const file of readdirSync(path.join(labsDir, lab))) {
      if (!file.endsWith('.ts') || isSupport(file)) continue;
      const source = readFileSync(path.join(labsDir, lab, file), 'utf8');
      for (const [, specifier] of source.matchAll(IMPORT)) {
        if (!specifier!.startsWith('.')) continue;
        const target = path.relative(ROOT, path.resolve(labsDir, lab, specifier!));
        const [top, other] = target.split(path.sep);
        if (top === 'labs' && other !== lab) found.push(`labs/${lab}/${file} -> ${target}`);
      }
    }
  }
  return found;
}

describe('lab independence', () => {
  test('no starter file imports another lab\'s learner files (import the reference in solutions/ instead)', () => {
    expect(crossLabImports()).toEqual([]);
  });
});
