// The seam between the HTTP API and whatever does the work on a job.
//
//   API ──start(job)──▶ JobRunner ──writes──▶ jobs.status / jobs.progress (PostgreSQL)
//                            └──notify(owner, progress)──▶ ProgressNotifier ──▶ the owner's sockets
//
// Today the only runner is SimulatedJobRunner (simulated-runner.ts), a timer that pretends to
// work. Lab 09 plugs in a runner that enqueues the job in a durable Redis queue (BullMQ) and a
// worker that runs ffmpeg and reports real progress through the same ProgressNotifier. Lab 10
// swaps the notifier for Redis pub/sub, so any server instance can reach the owner's sockets.
import type { JobStatus } from '../../generated/prisma/enums.ts';
import type { JobProgressNotification } from './notifications.ts';

/** A job the caller has already checked belongs to `ownerId`. */
export interface JobRef {
  id: number;
  ownerId: number;
}

export interface JobState {
  jobId: number;
  status: JobStatus;
  progress: number;
}

// #region seam
export interface JobRunner {
  /** Shown in logs and by `npm start`, e.g. `simulated`. */
  readonly name: string;
  /** Starts the job from 0 %. Throws JobBusyError while it is running, RunnerClosedError after close(). */
  start(job: JobRef): Promise<JobState>;
  isRunning(jobId: number): boolean;
  /** Stops starting work and releases every timer, process and connection it owns. Idempotent. */
  close(): Promise<void>;
}

/** Delivers progress to the sockets of one user, and only that user. */
export interface ProgressNotifier {
  /** Fire and forget: intermediate updates may be merged, the last update of a job is always delivered. */
  notify(ownerId: number, notification: JobProgressNotification): void;
  close(): Promise<void>;
}
// #endregion seam
