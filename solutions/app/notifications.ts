// App-level messages the server pushes to a user's sockets. Pure, and safe to bundle for the
// browser: the dashboard parses them with the same schema the server encodes them with.
//
// Lab 07's protocol has no "server event" message, and the lab 08 client drops frames it does
// not know. So a notification travels inside lab 07's `dm` (which reaches every socket of exactly
// one user): `{ "type": "dm", "from": <notifier user id>, "text": "<this JSON>" }`. The server
// stamps `from` itself, so the page trusts a dm only when `from` is the notifier's id: no other
// user can forge one.
import { z } from 'zod';
import { JobStatus } from '../../generated/prisma/enums.ts';

// #region job-progress
export const JobProgressNotification = z.object({
  type: z.literal('job.progress'),
  jobId: z.number().int().positive(),
  status: z.enum(Object.values(JobStatus) as [JobStatus, ...JobStatus[]]),
  progress: z.number().int().min(0).max(100),
});
export type JobProgressNotification = z.infer<typeof JobProgressNotification>;
// #endregion job-progress

/** Every notification type (one so far; lab 09's worker may add more, e.g. `job.output`). */
export const Notification = z.discriminatedUnion('type', [JobProgressNotification]);
export type Notification = z.infer<typeof Notification>;

export const encodeNotification = (notification: Notification): string => JSON.stringify(notification);

/** The notification in a dm's text, or null if the text is anything else. Never throws. */
export function parseNotification(text: string): Notification | null {
  try {
    const parsed = Notification.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** A job that will not move again: its last update must always be delivered. */
export const isFinal = (status: JobStatus): boolean =>
  status === JobStatus.completed || status === JobStatus.failed || status === JobStatus.cancelled;
