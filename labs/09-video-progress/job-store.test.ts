// Lab 09, step 4: the job's state in PostgreSQL. Every write is conditional: a finished job never
// moves again, progress never goes down, and every write bumps the row's version.
import { describe, expect, it } from 'vitest';
import { useDatabase } from '../../tools/testing/test-env.ts';
import { createJobRow } from './fixtures.ts';
import { ErrorCode, JobRowNotFoundError, JobStore } from './index.ts';

const db = useDatabase();

describe('job state in PostgreSQL', () => {
  it('moves pending → processing → completed, with attempts, times, output and a growing version', async () => {
    const { jobId, ownerId } = await createJobRow(db.prisma);
    const store = new JobStore(db.prisma);

    const claimed = await store.claim(jobId, 1);
    const halfway = await store.progress(jobId, 50);
    const done = await store.complete(jobId, '/media/out/job.mp4');

    expect(claimed).toMatchObject({ jobId, ownerId, status: 'processing', progress: 0, attempts: 1 });
    expect(halfway).toMatchObject({ status: 'processing', progress: 50 });
    expect(done).toMatchObject({ status: 'completed', progress: 100, outputPath: '/media/out/job.mp4' });
    expect([claimed!.version, halfway!.version, done!.version], 'every write bumps version by one').toEqual([1, 2, 3]);
    const row = await db.prisma.job.findUniqueOrThrow({ where: { id: jobId } });
    expect(row.startedAt, 'claim sets startedAt').not.toBeNull();
    expect(row.finishedAt, 'complete sets finishedAt').not.toBeNull();
  });

  it('never lowers progress, and writes nothing (null) when it would', async () => {
    const { jobId } = await createJobRow(db.prisma);
    const store = new JobStore(db.prisma);
    await store.claim(jobId, 1);
    await store.progress(jobId, 60);

    const lower = await store.progress(jobId, 40);
    const same = await store.progress(jobId, 60);

    expect(lower, 'a lower percent (a retry starting over) must not move the bar back').toBeNull();
    expect(same, 'the same percent is no news: no write').toBeNull();
    expect(await store.get(jobId)).toMatchObject({ progress: 60, version: 2 });
  });

  it('keeps a cancelled job cancelled: no claim, no progress, no completion afterwards', async () => {
    const { jobId } = await createJobRow(db.prisma);
    const store = new JobStore(db.prisma);
    await store.claim(jobId, 1);

    const cancelled = await store.cancel(jobId);
    const results = [await store.progress(jobId, 90), await store.complete(jobId, '/x.mp4'), await store.claim(jobId, 2), await store.fail(jobId, 'late')];

    expect(cancelled).toMatchObject({ status: 'cancelled' });
    expect(results, 'every write after the cancel is refused (null)').toEqual([null, null, null, null]);
    expect(await store.get(jobId)).toMatchObject({ status: 'cancelled', outputPath: null });
  });

  it('keeps a completed job completed: a late cancel or a second completion is refused', async () => {
    const { jobId } = await createJobRow(db.prisma);
    const store = new JobStore(db.prisma);
    await store.claim(jobId, 1);
    await store.complete(jobId, '/a.mp4');

    expect(await store.cancel(jobId), 'cancel after completion').toBeNull();
    expect(await store.complete(jobId, '/b.mp4'), 'a second completion (another worker)').toBeNull();
    expect(await store.get(jobId)).toMatchObject({ status: 'completed', outputPath: '/a.mp4' });
  });

  it('a retry goes back to pending with the reason, and the next claim counts the attempt', async () => {
    const { jobId } = await createJobRow(db.prisma);
    const store = new JobStore(db.prisma);
    await store.claim(jobId, 1);

    const retrying = await store.retrying(jobId, 'disk full');
    const again = await store.claim(jobId, 2);

    expect(retrying).toMatchObject({ status: 'pending', error: 'disk full' });
    expect(again).toMatchObject({ status: 'processing', attempts: 2, error: null });
  });

  it('throws JOB_NOT_FOUND for a row that does not exist, instead of pretending the write happened', async () => {
    const store = new JobStore(db.prisma);

    const error = await store.claim(2_000_000_000, 1).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(JobRowNotFoundError);
    expect((error as JobRowNotFoundError).code).toBe(ErrorCode.JOB_NOT_FOUND);
  });

  it('lets exactly one of two racing claims-and-completions win', async () => {
    const { jobId } = await createJobRow(db.prisma);
    const store = new JobStore(db.prisma);
    await store.claim(jobId, 1);

    const results = await Promise.all([store.complete(jobId, '/one.mp4'), store.complete(jobId, '/two.mp4'), store.cancel(jobId)]);

    expect(results.filter((r) => r !== null), 'one conditional UPDATE wins, the others see a finished job').toHaveLength(1);
  });
});
