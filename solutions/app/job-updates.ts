// How a job's updates travel from the worker that runs it to the owner's sockets, whichever app
// instance holds them. Workers may run in other processes (`npm run worker`), so each one
// publishes its updates into lab 10's relay on a Redis client of its own (the queue's: patient,
// with an offline queue, so a short Redis blip delays an update instead of losing it):
//
//   VideoWorker.onUpdate ─toNotification─▶ relayNotifier (notifier.ts) ─▶ user:<owner> stream
//                                                                            ▼
//   every app instance's StreamRelay ─▶ the owner's sockets subscribed to user:<owner>
//
// Unlike plain pub/sub, an update published while an app instance (or the page's socket) was away
// is not lost: it is in the stream, and the relay replays it when the instance catches up or the
// page resubscribes from its last offset (see docs/labs/10-pubsub-scaling.md).
import type { RedisClient } from '../05-redis-structures/index.ts';
import type { Logger } from '../07-websocket-server/index.ts';
import type { JobProgressUpdate } from '../09-video-progress/index.ts';
import { StreamRelay } from '../10-pubsub-scaling/index.ts';
import type { ProgressNotifier } from './job-runner.ts';
import type { JobProgressNotification } from './notifications.ts';
import { relayNotifier } from './notifier.ts';

// #region to-notification
/** A worker's update as the page's notification: only what the owner's page shows. */
export function toNotification(update: JobProgressUpdate): JobProgressNotification {
  return {
    type: 'job.progress',
    jobId: update.jobId,
    status: update.status,
    progress: update.progress,
    version: update.version,
    etaMs: update.etaMs,
    error: update.error,
  };
}
// #endregion to-notification

/**
 * The notifier of a process that produces job updates (the app's runner, `npm run worker`): a
 * relay that only publishes. It has no sockets and never subscribes, so the same client stands in
 * as its subscriber (the relay only listens for its 'ready' event). `prefix` must be the app's
 * Redis prefix: the app instances read the streams under it. close() releases the relay, not
 * the client.
 */
export function updatesNotifier(client: RedisClient, prefix: string, log: Logger): ProgressNotifier {
  const relay = new StreamRelay({
    redis: client,
    subscriber: client,
    prefix,
    deliver: () => false,
    onError: (error, where) => log.warn('job.update_relay_error', { where, error: error instanceof Error ? error.name : String(error) }),
  });
  const notifier = relayNotifier(relay, (error) => log.warn('job.update_lost', { error: error instanceof Error ? error.name : String(error) }));
  return { notify: notifier.notify, close: () => relay.close() };
}
