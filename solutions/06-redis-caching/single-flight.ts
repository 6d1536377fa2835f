// Single-flight: concurrent calls for the same key share one execution of the work.
// 100 requests for a missing key inside one process become one lookup and one database read.

// #region single-flight
export class SingleFlight<T> {
  readonly #inflight = new Map<string, Promise<T>>();

  /** Runs `work` unless a call for `key` is already running, in which case it shares that call's result. */
  do(key: string, work: () => Promise<T>): Promise<T> {
    const running = this.#inflight.get(key);
    if (running) return running;
    const started = Promise.resolve()
      .then(work)
      .finally(() => this.#inflight.delete(key));
    this.#inflight.set(key, started);
    return started;
  }

  /** How many keys have work in flight. */
  get size(): number {
    return this.#inflight.size;
  }
}
// #endregion single-flight
