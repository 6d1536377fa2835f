// How a job's updates travel from the worker that runs it to the app instance that holds the
// owner's sockets. Workers may run in other processes (`npm run worker`), so they publish each
// update on one Redis channel; every app instance subscribes and hands what it hears to its
// ProgressNotifier, which reaches the owner's sockets on that instance.
//
//   VideoWorker.onUpdate ─publishUpdate─▶ PUBLISH <prefix>jobs:updates {json}
//                                              │
//   app instance(s) ◀─SUBSCRIBE────────────────┘ ─▶ ProgressNotifier.notify(ownerId, notification)
//
// Plain pub/sub: an update published while an app instance is disconnected from Redis is lost for
// it. That is acceptable here because the row in PostgreSQL is the truth (the page reloads the job
// list when its socket reconnects, and keeps the newer version); lab 10 builds a relay that loses
// nothing and can take this place behind the same ProgressNotifier seam.
import type { RedisClient } from '../05-redis-structures/index.ts';
import type { JobProgressUpdate } from '../09-video-progress/index.ts';
import type { ProgressNotifier } from './job-runner.ts';
import type { JobProgressNotification } from './notifications.ts';

/** The one channel for job updates under an app's Redis prefix. */
export const jobUpdatesChannel = (prefix: string): string => `${prefix}jobs:updates`;

/** What travels on the channel: the owner (for routing) and the notification (for the page). */
interface Envelope {
  ownerId: number;
  notification: JobProgressNotification;
}

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

/** A VideoWorker `onUpdate` that publishes. Fire and forget: a lost update is caught up from the row. */
export function publishUpdates(client: RedisClient, channel: string, onError: (error: Error) => void): (update: JobProgressUpdate) => void {
  return (update) => {
    const envelope: Envelope = { ownerId: update.ownerId, notification: toNotification(update) };
    client.publish(channel, JSON.stringify(envelope)).catch(onError);
  };
}

/** Parses an envelope; null for anything malformed (the channel is ours, but a bug should not crash the relay). */
export function parseEnvelope(message: string): Envelope | null {
  try {
    const value = JSON.parse(message) as Partial<Envelope>;
    if (typeof value?.ownerId !== 'number' || typeof value.notification !== 'object' || value.notification === null) return null;
    return value as Envelope;
  } catch {
    return null;
  }
}

/**
 * Subscribes `subscriber` (a connection of its own: a subscribed connection can do nothing else)
 * and forwards every update to the notifier. Returns the function that unsubscribes.
 */
export async function relayUpdates(subscriber: RedisClient, channel: string, notifier: ProgressNotifier): Promise<() => Promise<void>> {
  const listener = (message: string) => {
    const envelope = parseEnvelope(message);
    if (envelope) notifier.notify(envelope.ownerId, envelope.notification);
  };
  await subscriber.subscribe(channel, listener);
  return async () => {
    await subscriber.unsubscribe(channel, listener);
  };
}
