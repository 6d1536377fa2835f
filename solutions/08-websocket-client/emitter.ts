// A typed event emitter small enough for the browser (Node's EventEmitter is not there).

export class Emitter<Events extends object> {
  private readonly handlers = new Map<keyof Events, Set<(event: never) => void>>();

  /** Adds a handler; returns the function that removes it. */
  on<K extends keyof Events>(type: K, handler: (event: Events[K]) => void): () => void {
    let set = this.handlers.get(type);
    if (!set) {
      set = new Set();
      this.handlers.set(type, set);
    }
    set.add(handler as (event: never) => void);
    return () => {
      set.delete(handler as (event: never) => void);
    };
  }

  /** Resolves with the next event of this type. */
  once<K extends keyof Events>(type: K): Promise<Events[K]> {
    return new Promise((resolve) => {
      const off = this.on(type, (event) => {
        off();
        resolve(event);
      });
    });
  }

  protected emit<K extends keyof Events>(type: K, event: Events[K]): void {
    for (const handler of [...(this.handlers.get(type) ?? [])]) (handler as (event: Events[K]) => void)(event);
  }

  protected removeAllHandlers(): void {
    this.handlers.clear();
  }
}
