// Which local sockets want which stream, counted so that an instance subscribes to a Redis channel
// when its first local socket wants it and unsubscribes when the last one is gone. Pure
// bookkeeping: a holder is any string (a connection id), a key any string (a stream).
//
// Subscribing every instance to everything makes each one receive every message of the cluster:
// traffic per instance then grows with the number of instances. Counting interest keeps an
// instance's traffic to what its own sockets read.

const NONE: ReadonlySet<never> = new Set();

// #region interest
export class Interest {
  private readonly byKey = new Map<string, Set<string>>();
  private readonly byHolder = new Map<string, Set<string>>();

  /** Records that `holder` wants `key`. True when `key` had no holder before: subscribe now. */
  add(key: string, holder: string): boolean {
  // TODO: record holder under key (byKey) and key under holder (byHolder), creating sets as needed.
  // TODO: return true only when key had no holder before this call (the caller subscribes then).
  throw new Error('Not implemented yet: Interest.add (labs/10-pubsub-scaling/interest.ts)');
}

  /** Forgets that `holder` wants `key`. True when that was the last holder: unsubscribe now. */
  remove(key: string, holder: string): boolean {
  // TODO: holder does not hold key -> false (idempotent).
  // TODO: delete both directions; delete a set once it is empty, so nothing piles up.
  // TODO: return true only when that was the key's last holder (the caller unsubscribes then).
  throw new Error('Not implemented yet: Interest.remove (labs/10-pubsub-scaling/interest.ts)');
}

  /** Forgets every key of `holder` (a socket closed). Returns the keys nobody holds any more. */
  removeHolder(holder: string): string[] {
  // TODO: remove(key, holder) for every key the holder has; return the keys that lost their last holder.
  // Trap: iterate over a copy: remove() edits the set you are looping over.
  throw new Error('Not implemented yet: Interest.removeHolder (labs/10-pubsub-scaling/interest.ts)');
}
  // #endregion interest

  holders(key: string): ReadonlySet<string> {
    return this.byKey.get(key) ?? NONE;
  }

  keysOf(holder: string): ReadonlySet<string> {
    return this.byHolder.get(holder) ?? NONE;
  }

  has(key: string, holder: string): boolean {
    return this.byKey.get(key)?.has(holder) ?? false;
  }

  keys(): string[] {
    return [...this.byKey.keys()];
  }

  get size(): number {
    return this.byKey.size;
  }
}
