// Lab 09, step 4: the job's state in PostgreSQL. Every write is conditional: a finished job never
// moves again, progress never goes down, and every write bumps the row's version.
import { describe, expect, it } from 'vitest';
import { say } from '../../tools/testing/say.ts';
import { useDatabase } from '../../tools/testing/test-env.ts';
import { createJobRow } from './fixtures.ts';
import { ErrorCode, JobRowNotFoundError, JobStore } from './index.ts';

/** A failure message in the learner's language, naming the file and the lesson step. */
const hint = (en: string, ko: string) => say({ en: `🚨 job-store.ts (step 4): ${en}`, ko: `🚨 job-store.ts (4단계): ${ko}` });

const db = useDatabase();

describe('job state in PostgreSQL', () => {
  it('moves pending → processing → completed, with attempts, times, output and a growing version', async () => {
    const { jobId, ownerId } = await createJobRow(db.prisma);
    const store = new JobStore(db.prisma);

    const claimed = await store.claim(jobId, 1);
    const halfway = await store.progress(jobId, 50);
    const done = await store.complete(jobId, '/media/out/job.mp4');

    expect(
      claimed,
      hint(
        'claim: pending → processing, attempts set, the row returned as a JobUpdate (jobId, ownerId, ...)',
        'claim: pending → processing, attempts 설정, 행을 JobUpdate(jobId, ownerId, ...)로 돌려줍니다',
      ),
    ).toMatchObject({ jobId, ownerId, status: 'processing', progress: 0, attempts: 1 });
    expect(
      halfway,
      hint('progress(jobId, 50) writes 50 while processing', 'progress(jobId, 50)은 processing 중에 50을 씁니다'),
    ).toMatchObject({ status: 'processing', progress: 50 });
    expect(
      done,
      hint('complete: processing → completed at 100 % with the output path', 'complete: processing → completed, 100 %와 출력 경로'),
    ).toMatchObject({ status: 'completed', progress: 100, outputPath: '/media/out/job.mp4' });
    expect(
      [claimed!.version, halfway!.version, done!.version],
      hint(
        'every write bumps version by one: data: { ..., version: { increment: 1 } }',
        '쓸 때마다 version을 하나 올립니다: data: { ..., version: { increment: 1 } }',
      ),
    ).toEqual([1, 2, 3]);
    const row = await db.prisma.job.findUniqueOrThrow({ where: { id: jobId } });
    expect(row.startedAt, hint('claim sets startedAt', 'claim은 startedAt을 채웁니다')).not.toBeNull();
    expect(row.finishedAt, hint('complete sets finishedAt', 'complete는 finishedAt을 채웁니다')).not.toBeNull();
  });

  it('never lowers progress, and writes nothing (null) when it would', async () => {
    const { jobId } = await createJobRow(db.prisma);
    const store = new JobStore(db.prisma);
    await store.claim(jobId, 1);
    await store.progress(jobId, 60);

    const lower = await store.progress(jobId, 40);
    const same = await store.progress(jobId, 60);

    expect(
      lower,
      hint(
        'a lower percent (a retry starting over) must not move the bar back: WHERE progress < $new',
        '더 낮은 퍼센트(처음부터 다시 하는 재시도)가 막대를 뒤로 돌리면 안 됩니다: WHERE progress < $new',
      ),
    ).toBeNull();
    expect(same, hint('the same percent is no news: no write, null', '같은 퍼센트는 새 소식이 아닙니다: 쓰지 않고 null')).toBeNull();
    expect(
      await store.get(jobId),
      hint('the row keeps 60 and was written only twice (claim, 60)', '행은 60을 유지하고 두 번만 쓰였습니다(claim, 60)'),
    ).toMatchObject({ progress: 60, version: 2 });
  });

  it('keeps a cancelled job cancelled: no claim, no progress, no completion afterwards', async () => {
    const { jobId } = await createJobRow(db.prisma);
    const store = new JobStore(db.prisma);
    await store.claim(jobId, 1);

    const cancelled = await store.cancel(jobId);
    const results = [
      await store.progress(jobId, 90),
      await store.complete(jobId, '/x.mp4'),
      await store.claim(jobId, 2),
      await store.fail(jobId, 'late'),
    ];

    expect(cancelled, hint('cancel: pending or processing → cancelled', 'cancel: pending이나 processing → cancelled')).toMatchObject({
      status: 'cancelled',
    });
    expect(
      results,
      hint(
        'every write after the cancel is refused (null): the WHERE names the states a write may leave',
        '취소 뒤의 모든 쓰기는 거절(null)됩니다: WHERE에 떠날 수 있는 상태를 적으세요',
      ),
    ).toEqual([null, null, null, null]);
    expect(await store.get(jobId), hint('the row stays cancelled, with no output', '행은 출력 없이 cancelled로 남습니다')).toMatchObject({
      status: 'cancelled',
      outputPath: null,
    });
  });

  it('keeps a completed job completed: a late cancel or a second completion is refused', async () => {
    const { jobId } = await createJobRow(db.prisma);
    const store = new JobStore(db.prisma);
    await store.claim(jobId, 1);
    await store.complete(jobId, '/a.mp4');

    expect(await store.cancel(jobId), hint('a cancel after completion is refused: null', '완료 뒤의 취소는 거절됩니다: null')).toBeNull();
    expect(
      await store.complete(jobId, '/b.mp4'),
      hint('a second completion (another worker) is refused: null', '두 번째 완료(다른 워커)는 거절됩니다: null'),
    ).toBeNull();
    expect(await store.get(jobId), hint('the first completion stays', '첫 완료가 남습니다')).toMatchObject({
      status: 'completed',
      outputPath: '/a.mp4',
    });
  });

  it('a retry goes back to pending with the reason, and the next claim counts the attempt', async () => {
    const { jobId } = await createJobRow(db.prisma);
    const store = new JobStore(db.prisma);
    await store.claim(jobId, 1);

    const retrying = await store.retrying(jobId, 'disk full');
    const again = await store.claim(jobId, 2);

    expect(
      retrying,
      hint('retrying: processing → pending, with the reason in error', 'retrying: processing → pending, 이유는 error에'),
    ).toMatchObject({ status: 'pending', error: 'disk full' });
    expect(
      again,
      hint('the next claim counts the attempt and clears the error', '다음 claim은 시도를 세고 error를 지웁니다'),
    ).toMatchObject({ status: 'processing', attempts: 2, error: null });
  });

  it('throws JOB_NOT_FOUND for a row that does not exist, instead of pretending the write happened', async () => {
    const store = new JobStore(db.prisma);

    const error = await store.claim(2_000_000_000, 1).catch((e: unknown) => e);

    expect(
      error,
      hint(
        'no row matched and none exists: JobRowNotFoundError (count the rows after P2025), not null',
        '맞는 행도 없고 행 자체도 없으면: null이 아니라 JobRowNotFoundError (P2025 뒤에 행 수를 세세요)',
      ),
    ).toBeInstanceOf(JobRowNotFoundError);
    expect((error as JobRowNotFoundError).code, hint('its code is JOB_NOT_FOUND', '코드는 JOB_NOT_FOUND입니다')).toBe(
      ErrorCode.JOB_NOT_FOUND,
    );
  });

  it('lets exactly one of two racing claims-and-completions win', async () => {
    const { jobId } = await createJobRow(db.prisma);
    const store = new JobStore(db.prisma);
    await store.claim(jobId, 1);

    const results = await Promise.all([store.complete(jobId, '/one.mp4'), store.complete(jobId, '/two.mp4'), store.cancel(jobId)]);

    expect(
      results.filter((r) => r !== null),
      hint(
        'one conditional UPDATE wins, the others see a finished job (read-then-write lets two win)',
        '조건부 UPDATE 하나만 이기고 나머지는 끝난 작업을 봅니다(읽고 나서 쓰면 둘이 이깁니다)',
      ),
    ).toHaveLength(1);
  });
});
