// The seam between the HTTP API and whatever does the work on a job.
//
//   API ──start()/cancel()──▶ JobRunner ──▶ jobs row (PostgreSQL) + BullMQ queue (Redis)
//                                              ▼ any worker, in this process or `npm run worker`
//   owner's sockets on any app instance ◀── lab 10's relay ◀── ProgressNotifier (job-updates.ts)
//
// The runner is QueueJobRunner (video-jobs.ts): lab 09's queue and worker. The notifier
// (notifier.ts) appends each update to the owner's stream in lab 10's relay; the runner does not
// know how updates travel.
import type { JobStatus } from '../../generated/prisma/enums.ts';
import type { Operation } from '../09-video-progress/index.ts';
import type { JobProgressNotification } from './notifications.ts';

/** A job the caller has already checked belongs to `ownerId`. */
export interface JobRef {
  id: number;
  ownerId: number;
}

/** A video the caller has already checked belongs to `ownerId`. */
export interface StartRequest {
  ownerId: number;
  videoId: number;
  /** The video's file on disk (server-chosen when it was uploaded). */
  sourcePath: string;
  operation: Operation;
}

export interface JobState {
  jobId: number;
  kind: string;
  status: JobStatus;
  progress: number;
  version: number;
}

// #region seam
export interface JobRunner {
  /** Shown by `npm start`, e.g. `BullMQ queue "video", 1 worker in this process`. */
  readonly name: string;
  /** Creates a pending job for the video and queues it. Throws RunnerClosedError after close(). */
  start(request: StartRequest): Promise<JobState>;
  /** Cancels a pending or running job; JobFinishedError if it already finished. */
  cancel(job: JobRef): Promise<JobState>;
  /** Stops the workers it runs (their jobs go back to the queue) and releases its connections. Idempotent. */
  close(): Promise<void>;
}

/** Delivers progress to the sockets of one user, and only that user. */
export interface ProgressNotifier {
  /** Fire and forget: intermediate updates may be merged, the last update of a job is always delivered. */
  notify(ownerId: number, notification: JobProgressNotification): void;
  close(): Promise<void>;
}
// #endregion seam
