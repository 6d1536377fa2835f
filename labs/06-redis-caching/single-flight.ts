// Single-flight: concurrent calls for the same key share one execution of the work.
// 100 requests for a missing key inside one process become one lookup and one database read.

export class SingleFlight<T> {
  readonly #inflight = new Map<string, Promise<T>>();

  /** Runs `work` unless a call for `key` is already running, in which case it shares that call's result. */
  do(key: string, work: () => Promise<T>): Promise<T> {
    // TODO: while a call for key is in flight, every caller for key gets that same promise; once it
    //       settles, the next call starts fresh. Trap: a failed call must be forgotten too, or every
    //       later caller gets the old failure.
    return work();
  }

  /** How many keys have work in flight. */
  get size(): number {
    return this.#inflight.size;
  }
}
