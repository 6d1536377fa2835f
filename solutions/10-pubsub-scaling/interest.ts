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
    let holders = this.byKey.get(key);
    const first = holders === undefined;
    if (!holders) {
      holders = new Set();
      this.byKey.set(key, holders);
    }
    holders.add(holder);
    let keys = this.byHolder.get(holder);
    if (!keys) {
      keys = new Set();
      this.byHolder.set(holder, keys);
    }
    keys.add(key);
    return first;
  }

  /** Forgets that `holder` wants `key`. True when that was the last holder: unsubscribe now. */
  remove(key: string, holder: string): boolean {
    const holders = this.byKey.get(key);
    if (!holders?.delete(holder)) return false;
    const keys = this.byHolder.get(holder)!;
    keys.delete(key);
    if (keys.size === 0) this.byHolder.delete(holder);
    if (holders.size > 0) return false;
    this.byKey.delete(key);
    return true;
  }

  /** Forgets every key of `holder` (a socket closed). Returns the keys nobody holds any more. */
  removeHolder(holder: string): string[] {
    const released: string[] = [];
    for (const key of [...(this.byHolder.get(holder) ?? [])]) {
      if (this.remove(key, holder)) released.push(key);
    }
    return released;
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
