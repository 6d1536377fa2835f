// How progress reaches the owner's sockets: lab 07's server pushes it itself.
//
//   SimulatedJobRunner ─notify()─▶ chatNotifier ─sendToUser(owner, event)─▶ every tab of the owner
//
// sendToUser sends an `event` to every socket of one user and nobody else, as essential traffic:
// no update is dropped for being a broadcast, and the last one of a job always goes out (a
// client too slow to take it is disconnected by lab 07's backpressure policy, and the page
// reloads the job list when it reconnects). Lab 10 swaps this for Redis pub/sub, so any server
// instance can reach the owner's sockets.
import type { ChatServer } from '../07-websocket-server/index.ts';
import type { ProgressNotifier } from './job-runner.ts';
import { toEvent } from './notifications.ts';

// #region notify
export function chatNotifier(chat: Pick<ChatServer, 'sendToUser'>): ProgressNotifier {
  return {
    // 0 sockets: the owner has no tab open right now. The job's state is in PostgreSQL anyway.
    notify: (ownerId, notification) => void chat.sendToUser(ownerId, toEvent(notification)),
    // Owns nothing: the chat server belongs to the app, which closes it.
    close: async () => {},
  };
}
// #endregion notify
