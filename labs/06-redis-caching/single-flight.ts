// Single-flight: concurrent calls for the same key share one execution of the work.
// 100 requests for a missing key inside one process become one lookup and one database read.

export class SingleFlight<T> {
  readonly #inflight = new Map<string, Promise<T>>();

  /** Runs `work` unless a call for `key` is already running, in which case it shares that call's result. */
  do(key: string, work: () => Promise<T>): Promise<T> {
    // TODO: if this.#inflight has a promise for key, return it
    // TODO: otherwise start the work, and remove the key from the map when it settles (.finally), success or failure
    // TODO: store that promise under key before returning it
    return work();
  }

  /** How many keys have work in flight. */
  get size(): number {
    return this.#inflight.size;
  }
}
