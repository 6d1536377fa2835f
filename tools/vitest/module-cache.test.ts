import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { MODULE_CACHE_DIR, MODULE_CACHE_MAX_AGE_MS, pruneModuleCache } from './module-cache.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'workbook-module-cache-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('pruneModuleCache', () => {
  test('removes entries written longer ago than the limit, keeps newer ones and vitest metadata', () => {
    const dir = path.join(root, MODULE_CACHE_DIR);
    mkdirSync(dir, { recursive: true });
    const now = Date.now();
    const files = { old: 'a'.repeat(40), fresh: 'b'.repeat(40), metadata: '_metadata.json' };
    for (const name of Object.values(files)) writeFileSync(path.join(dir, name), 'x');
    const longAgo = (now - MODULE_CACHE_MAX_AGE_MS - 60_000) / 1000;
    utimesSync(path.join(dir, files.old), longAgo, longAgo);
    utimesSync(path.join(dir, files.metadata), longAgo, longAgo);

    pruneModuleCache(root, now);

    expect(readdirSync(dir).sort()).toEqual([files.metadata, files.fresh].sort());
  });

  test('a root without a cache is left alone', () => {
    expect(() => pruneModuleCache(path.join(root, 'nothing-here'))).not.toThrow();
  });
});
