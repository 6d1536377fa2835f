// Messages sent while offline wait here, in order, up to a fixed number. Pure.

// #region offline-queue
export class OfflineQueue<T> {
  private items: T[] = [];

  constructor(private readonly capacity: number) {}

  /** False when the queue is full: the item is NOT queued (the newest is refused, the order kept). */
  push(item: T): boolean {
    if (this.items.length >= this.capacity) return false;
    this.items.push(item);
    return true;
  }

  /** Everything queued, oldest first; the queue is empty afterwards. */
  drain(): T[] {
    const items = this.items;
    this.items = [];
    return items;
  }

  get size(): number {
    return this.items.length;
  }
}
// #endregion offline-queue
