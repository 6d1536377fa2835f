// A job's state in PostgreSQL: the `jobs` row is the source of truth the API and the dashboard
// read. The queue in Redis says who works on what; the row says where the job is.
//
//   pending ──claim──▶ processing ──complete──▶ completed
//      ▲                 │  │ └──fail────────▶ failed
//      └──retrying───────┘  └──cancel────────▶ cancelled   (cancel also works from pending)
//
// Every write is one conditional UPDATE: it names the states it may leave ("WHERE status IN
// (...)"), so two workers, a late retry or a cancel racing a completion cannot move a finished
// job again, and progress only ever grows ("WHERE progress < $new"). Each write bumps `version`,
// so any reader holding two copies of a row keeps the newer one.
import { JobStatus } from '../../generated/prisma/enums.ts';
import { Prisma, type PrismaClient } from '../../prisma/client.ts';
import { JobRowNotFoundError } from './errors.ts';

export { JobStatus };

/** A row's state after a write: what the worker tells the owner. */
export interface JobUpdate {
  jobId: number;
  ownerId: number;
  status: JobStatus;
  /** 0..100, never lower than an earlier update's. */
  progress: number;
  /** Grows with every write to the row: of two updates for a job, the higher version is the newer. */
  version: number;
  /** How many times a worker started the job (retries and recovered crashes included). */
  attempts: number;
  error: string | null;
  outputPath: string | null;
}

const UPDATE_FIELDS = {
  id: true,
  ownerId: true,
  status: true,
  progress: true,
  version: true,
  attempts: true,
  error: true,
  outputPath: true,
} as const satisfies Prisma.JobSelect;

type Row = Prisma.JobGetPayload<{ select: typeof UPDATE_FIELDS }>;
const toUpdate = ({ id, ...row }: Row): JobUpdate => ({ jobId: id, ...row });

/** Errors longer than this are cut: a row is not a log file. */
const MAX_ERROR_CHARS = 2000;

export class JobStore {
  readonly #prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    this.#prisma = prisma;
  }

  /** The row as a JobUpdate; JobRowNotFoundError if there is none. */
  async get(jobId: number): Promise<JobUpdate> {
    const row = await this.#prisma.job.findUnique({ where: { id: jobId }, select: UPDATE_FIELDS });
    if (!row) throw new JobRowNotFoundError(jobId);
    return toUpdate(row);
  }

  // #region claim
  /**
   * A worker starts (or restarts) the job: pending or processing becomes processing, `attempts`
   * is set to the queue's count of starts. Null if the job is already finished or cancelled: the
   * worker must not run it. Progress is kept: a restarted job does not move the bar back.
   */
  claim(jobId: number, attempt: number): Promise<JobUpdate | null> {
    return this.#transition(jobId, [JobStatus.pending, JobStatus.processing], {
      status: JobStatus.processing,
      attempts: attempt,
      startedAt: new Date(),
      error: null,
    });
  }
  // #endregion claim

  // #region progress
  /** Records progress if it is higher than the row's and the job is still processing; null otherwise (nothing written). */
  progress(jobId: number, percent: number): Promise<JobUpdate | null> {
    const progress = Math.max(0, Math.min(100, Math.floor(percent)));
    return this.#write(jobId, { status: JobStatus.processing, progress: { lt: progress } }, { progress });
  }
  // #endregion progress

  /** processing → completed at 100 %. Null if the job was not processing (cancelled meanwhile, or completed by another worker). */
  complete(jobId: number, outputPath: string): Promise<JobUpdate | null> {
    return this.#transition(jobId, [JobStatus.processing], { status: JobStatus.completed, progress: 100, outputPath, finishedAt: new Date() });
  }

  /** processing → pending: the attempt failed and the queue will try again. The error says why. */
  retrying(jobId: number, error: string): Promise<JobUpdate | null> {
    return this.#transition(jobId, [JobStatus.processing], { status: JobStatus.pending, error: error.slice(0, MAX_ERROR_CHARS) });
  }

  /** pending or processing → failed, for good. */
  fail(jobId: number, error: string): Promise<JobUpdate | null> {
    return this.#transition(jobId, [JobStatus.pending, JobStatus.processing], {
      status: JobStatus.failed,
      error: error.slice(0, MAX_ERROR_CHARS),
      finishedAt: new Date(),
    });
  }

  /** pending or processing → cancelled. Null if it had already finished (a completed job stays completed). */
  cancel(jobId: number): Promise<JobUpdate | null> {
    return this.#transition(jobId, [JobStatus.pending, JobStatus.processing], { status: JobStatus.cancelled, finishedAt: new Date() });
  }

  #transition(jobId: number, from: JobStatus[], data: Prisma.JobUpdateInput): Promise<JobUpdate | null> {
    return this.#write(jobId, { status: { in: from } }, data);
  }

  // #region write
  /**
   * One conditional UPDATE ... RETURNING. No row matched: null if the job exists (it is in
   * another state), JobRowNotFoundError if it does not. Any other database error is thrown as is:
   * a write that did not happen must never look like one that did.
   */
  async #write(jobId: number, where: Omit<Prisma.JobWhereInput, 'id'>, data: Prisma.JobUpdateInput): Promise<JobUpdate | null> {
    try {
      const row = await this.#prisma.job.update({
        where: { ...where, id: jobId },
        data: { ...data, version: { increment: 1 } },
        select: UPDATE_FIELDS,
      });
      return toUpdate(row);
    } catch (error) {
      // P2025: "no record found for the where condition", here the condition on the state.
      if (!(error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2025')) throw error;
      if ((await this.#prisma.job.count({ where: { id: jobId } })) === 0) throw new JobRowNotFoundError(jobId);
      return null;
    }
  }
  // #endregion write
}
