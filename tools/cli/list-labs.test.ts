import { describe, expect, test } from 'vitest';
import type { LabMeta } from '../labs/meta.ts';
import { nextLab, unknownLabMessage } from './list-labs.ts';
import { LabStatus, type Progress } from './progress.ts';

const labs = ['01-sql-basics', '02-sql-advanced', '05-redis-structures'].map((id) => ({ id }) as LabMeta);
const progress = (labs: Progress['labs']): Progress => ({ version: 1, labs });

describe('nextLab', () => {
  test('goes on with the lab in progress, even when an earlier one was skipped', () => {
    const p = progress({
      '02-sql-advanced': { status: LabStatus.FAILING, failed: 1, total: 3, lastRun: '2026-11-29T10:00:00.000Z' },
      '05-redis-structures': { status: LabStatus.FAILING, failed: 4, total: 32, lastRun: '2026-11-30T10:00:00.000Z' },
    });
    expect(nextLab(labs, p)?.id).toBe('05-redis-structures');
  });

  test('after a lab is done, the first one not done', () => {
    const p = progress({ '05-redis-structures': { status: LabStatus.DONE, failed: 0, total: 32, lastRun: '2026-11-30T10:00:00.000Z' } });
    expect(nextLab(labs, p)?.id).toBe('01-sql-basics');
  });
});

describe('unknownLabMessage', () => {
  test('names the labs there are', () => {
    expect(unknownLabMessage('42', ['01-sql-basics'])).toBe('There is no lab "42". Labs: 01-sql-basics');
  });
});
