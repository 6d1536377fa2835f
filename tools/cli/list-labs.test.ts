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
  test('a lab of the plan that is not written yet is "planned", not missing', () => {
    expect(unknownLabMessage('10', ['01-sql-basics', '09-video-progress'])).toBe(
      'Lab 10 (Pub/sub scaling) is planned but not written yet. Labs you can run: 01, 09',
    );
  });

  test('anything else is not a lab', () => {
    expect(unknownLabMessage('42', ['01-sql-basics'])).toBe('There is no lab "42". Labs: 01-sql-basics');
  });
});
