// App-level messages the server pushes to a user's sockets. Pure, and safe to bundle for the
// browser: the dashboard parses them with the same schema the server encodes them with.
//
// A notification travels as lab 07's `event` message on the owner's user stream (lab 10's relay,
// notifier.ts), which only that user may subscribe to and only the server publishes to:
// `{ "type": "event", "name": "job.progress", "data": { "jobId": 3, "status": "processing", "progress": 40, "version": 7, "etaMs": 2300 }, "pos": {...} }`.
// No client can forge one: clients have no message type that makes the server emit an `event`.
import { z } from 'zod';
import { JobStatus } from '../../generated/prisma/enums.ts';
import type { ServerEvent } from '../07-websocket-server/protocol.ts';

// #region job-progress
export const JobProgressNotification = z.object({
  type: z.literal('job.progress'),
  jobId: z.number().int().positive(),
  status: z.enum(Object.values(JobStatus) as [JobStatus, ...JobStatus[]]),
  progress: z.number().int().min(0).max(100),
  /**
   * The jobs row's version after the write this update reports (lab 09's JobStore bumps it on
   * every write). Of two states of one job, the higher version is the newer: a page that got a
   * snapshot and a live update in either order keeps the newer one.
   */
  version: z.number().int().min(0),
  /** Milliseconds left at the current speed, while processing; null when unknown or finished. */
  etaMs: z.number().int().min(0).nullable().optional(),
  /** Why it failed (status failed), or why the last attempt failed while it retries. */
  error: z.string().nullable().optional(),
});
export type JobProgressNotification = z.infer<typeof JobProgressNotification>;
// #endregion job-progress

/** Every notification type (one so far). */
export const Notification = z.discriminatedUnion('type', [JobProgressNotification]);
export type Notification = z.infer<typeof Notification>;

/** The lab 07 `event` that carries a notification: its `type` becomes the event's name. */
export function toEvent({ type, ...data }: Notification): ServerEvent {
  return { type: 'event', name: type, data };
}

/** The notification an event carries, or null if it is any other event. Never throws. */
export function parseNotification(event: { name: string; data: unknown }): Notification | null {
  if (typeof event.data !== 'object' || event.data === null || Array.isArray(event.data)) return null;
  const parsed = Notification.safeParse({ ...event.data, type: event.name });
  return parsed.success ? parsed.data : null;
}

/** A job that will not move again: its last update must always be delivered. */
export const isFinal = (status: JobStatus): boolean =>
  status === JobStatus.completed || status === JobStatus.failed || status === JobStatus.cancelled;
