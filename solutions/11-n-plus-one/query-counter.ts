// Counting the SQL statements Prisma sends, from its `query` events. The tests use it to hold a
// query budget ("at most 3 queries, whatever N is"); the bench uses it to print naive vs fixed.
import type { Prisma } from '../../prisma/client.ts';
import { QueryEventsDisabledError } from './errors.ts';

/** The part of a PrismaClient the counter needs (a client created with `logQueries: true`). */
export interface QueryEventSource {
  $on(event: 'query', callback: (event: Prisma.QueryEvent) => void): unknown;
  $queryRaw<T = unknown>(query: TemplateStringsArray, ...values: unknown[]): PromiseLike<T>;
}

export interface Measured<T> {
  result: T;
  /** How many statements `fn` sent. */
  count: number;
  /** Their SQL text, in order. */
  queries: string[];
}

export interface QueryCounter {
  /** Statements seen since the counter was created or last reset. */
  readonly count: number;
  readonly queries: readonly string[];
  reset(): void;
  /** Runs `fn` and reports the statements sent while it ran. Do not run two at once on one client. */
  measure<T>(fn: () => Promise<T>): Promise<Measured<T>>;
  /** Stops counting. Idempotent. */
  close(): void;
}

// #region counter
/**
 * Starts counting the client's queries. Fails with QueryEventsDisabledError when the client does not
 * emit query events: a counter that silently stays at 0 would make every budget pass.
 */
export async function createQueryCounter(prisma: QueryEventSource): Promise<QueryCounter> {
  let queries: string[] = [];
  let open = true;
  // Prisma has no way to remove an $on listener: the counter keeps it and checks a flag instead.
  prisma.$on('query', (event) => {
    if (open) queries.push(event.query);
  });
  await prisma.$queryRaw`SELECT 1`; // the probe: it must show up as one query event
  if (queries.length === 0) throw new QueryEventsDisabledError();
  queries = [];

  return {
    get count() {
      return queries.length;
    },
    get queries() {
      return queries;
    },
    reset() {
      queries = [];
    },
    async measure(fn) {
      const start = queries.length;
      const result = await fn();
      const sent = queries.slice(start);
      return { result, count: sent.length, queries: sent };
    },
    close() {
      open = false;
    },
  };
}
// #endregion counter
