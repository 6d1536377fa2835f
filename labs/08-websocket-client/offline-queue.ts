// Messages sent while offline wait here, in order, up to a fixed number. Pure.
export class OfflineQueue<T> {
  private items: T[] = [];

  constructor(private readonly capacity: number) {}

  /** False when the queue is full: the item is NOT queued (the newest is refused, the order kept). */
  push(item: T): boolean {
    // TODO: keep the message for later unless the queue is full (then refuse it: false).
    throw new Error('Not implemented yet: OfflineQueue.push (labs/08-websocket-client/offline-queue.ts)');
  }

  /** Everything queued, oldest first; the queue is empty afterwards. */
  drain(): T[] {
    // TODO: every kept message, oldest first, leaving the queue empty.
    throw new Error('Not implemented yet: OfflineQueue.drain (labs/08-websocket-client/offline-queue.ts)');
  }

  get size(): number {
    return this.items.length;
  }
}
