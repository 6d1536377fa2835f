// A stand-in for lab 09's ffmpeg worker: a timer moves a job from 0 % to 100 %, writing each
// step to PostgreSQL and pushing it to the owner's sockets. Dev only (POST /api/jobs/:id/simulate),
// so the dashboard's live progress bar can be seen before lab 09 exists.
import { JobStatus } from '../../generated/prisma/enums.ts';
import type { Logger } from '../07-websocket-server/index.ts';
import type { PrismaClient } from '../../prisma/client.ts';
import { JobBusyError, RunnerClosedError } from './errors.ts';
import type { JobRef, JobRunner, JobState, ProgressNotifier } from './job-runner.ts';

export interface SimulationOptions {
  /** Time between two steps. @default 300 */
  stepMs?: number;
  /** Percent added per step. @default 5 */
  stepPercent?: number;
}

interface Simulation {
  readonly job: JobRef;
  progress: number;
  /** The pending step; one per job, chained (setTimeout after each write, never setInterval). */
  timer: NodeJS.Timeout | undefined;
  /** The step being written right now, if any: close() waits for it. */
  writing: Promise<void>;
}

export class SimulatedJobRunner implements JobRunner {
  readonly name = 'simulated';
  readonly #prisma: PrismaClient;
  readonly #notifier: ProgressNotifier;
  readonly #log: Logger;
  readonly #stepMs: number;
  readonly #stepPercent: number;
  readonly #running = new Map<number, Simulation>();
  #closed = false;

  constructor(prisma: PrismaClient, notifier: ProgressNotifier, logger: Logger, options: SimulationOptions = {}) {
    this.#prisma = prisma;
    this.#notifier = notifier;
    this.#log = logger;
    this.#stepMs = options.stepMs ?? 300;
    this.#stepPercent = options.stepPercent ?? 5;
  }

  isRunning(jobId: number): boolean {
    return this.#running.has(jobId);
  }

  // #region start
  async start(job: JobRef): Promise<JobState> {
    if (this.#closed) throw new RunnerClosedError();
    if (this.#running.has(job.id)) throw new JobBusyError(job.id);
    // Claim the job before the first await, so two requests at once cannot both start it.
    const sim: Simulation = { job, progress: 0, timer: undefined, writing: Promise.resolve() };
    this.#running.set(job.id, sim);
    try {
      await this.#prisma.job.update({
        where: { id: job.id },
        data: {
          status: JobStatus.processing,
          progress: 0,
          attempts: { increment: 1 },
          startedAt: new Date(),
          finishedAt: null,
          error: null,
          outputPath: null,
        },
      });
    } catch (error) {
      this.#running.delete(job.id);
      throw error;
    }
    this.#notify(sim, JobStatus.processing);
    this.#schedule(sim);
    return { jobId: job.id, status: JobStatus.processing, progress: 0 };
  }
  // #endregion start

  // #region step
  #schedule(sim: Simulation): void {
    if (this.#closed) return;
    sim.timer = setTimeout(() => {
      sim.timer = undefined;
      sim.writing = this.#step(sim);
    }, this.#stepMs);
  }

  async #step(sim: Simulation): Promise<void> {
    const progress = Math.min(100, sim.progress + this.#stepPercent);
    const done = progress === 100;
    try {
      await this.#prisma.job.update({
        where: { id: sim.job.id },
        data: done ? { progress, status: JobStatus.completed, finishedAt: new Date() } : { progress },
      });
    } catch (error) {
      // The job was deleted, or the database is gone: stop this simulation, keep the others.
      this.#running.delete(sim.job.id);
      this.#log.warn('job.simulation_failed', { jobId: sim.job.id, error: error instanceof Error ? error.name : typeof error });
      return;
    }
    sim.progress = progress;
    this.#notify(sim, done ? JobStatus.completed : JobStatus.processing);
    if (done) this.#running.delete(sim.job.id);
    else this.#schedule(sim);
  }
  // #endregion step

  #notify(sim: Simulation, status: JobStatus): void {
    this.#notifier.notify(sim.job.ownerId, { type: 'job.progress', jobId: sim.job.id, status, progress: sim.progress });
  }

  // #region close
  /**
   * Clears every timer and waits for the writes in flight. A job interrupted here stays
   * `processing` in the database: recovering such jobs after a crash is part of lab 09.
   */
  async close(): Promise<void> {
    this.#closed = true;
    const sims = [...this.#running.values()];
    for (const sim of sims) clearTimeout(sim.timer);
    await Promise.all(sims.map((sim) => sim.writing));
    this.#running.clear();
  }
  // #endregion close
}
