import { existsSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { sweepRunDirs } from './global-setup.ts';

test("a crashed run's folder is removed after a day; a running run's folder stays", async () => {
  const stale = mkdtempSync(path.join(os.tmpdir(), 'workbook-run-dead00-'));
  const fresh = mkdtempSync(path.join(os.tmpdir(), 'workbook-run-live00-'));
  const twoDaysAgo = new Date(Date.now() - 2 * 24 * 60 * 60 * 1000);
  utimesSync(stale, twoDaysAgo, twoDaysAgo);
  try {
    sweepRunDirs();
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(fresh)).toBe(true);
  } finally {
    rmSync(stale, { recursive: true, force: true });
    rmSync(fresh, { recursive: true, force: true });
  }
});
