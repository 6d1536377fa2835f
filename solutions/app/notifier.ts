// How progress reaches the owner's sockets, on whichever app instance they are: through lab 10's
// lossless relay. Every update is appended to the owner's user stream (`user:<ownerId>`, a capped
// Redis Stream); every app instance that holds a socket subscribed to that stream delivers it, in
// order, and a socket that reconnects (to any instance) resumes from the last entry it saw.
//
//   worker ─notify()─▶ relayNotifier ─publish(user:<owner>, event)─▶ Redis Stream + live channel
//                                                                      ▼ every app instance
//                                        the owner's subscribed sockets ◀─ StreamRelay (lab 10)
//
// Only the owner may subscribe to `user:<id>` (lab 10's defaultAuthorize), so no other user sees it.
import type { StreamBus } from '../10-pubsub-scaling/index.ts';
import { userStream } from '../10-pubsub-scaling/index.ts';
import type { ProgressNotifier } from './job-runner.ts';
import { toEvent } from './notifications.ts';

// #region notify
/**
 * A ProgressNotifier that publishes each notification to the owner's user stream. `onError` hears
 * an update Redis did not take (it was never appended, so no socket gets it; the next update of the
 * job carries its whole state, and the page reloads the job list when it resyncs).
 */
export function relayNotifier(bus: Pick<StreamBus, 'publish'>, onError: (error: unknown) => void): ProgressNotifier {
  return {
    notify: (ownerId, notification) => void bus.publish(userStream(ownerId), toEvent(notification)).catch(onError),
    // Owns nothing: the bus and its Redis client belong to the caller.
    close: async () => {},
  };
}
// #endregion notify
