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

/**
 * Starts counting the client's queries. Fails with QueryEventsDisabledError when the client does not
 * emit query events: a counter that silently stays at 0 would make every budget pass.
 */
export async function createQueryCounter(prisma: QueryEventSource): Promise<QueryCounter> {
  // TODO: record the SQL of every query this client sends, from its query events. Trap: Prisma has
  //       no way to remove that listener, so close() must make it stop recording another way.
  // TODO: trap: a client created without query events never emits one, and a counter on it would
  //       say 0 forever (every budget passes). Check once, with a query of your own, and throw
  //       QueryEventsDisabledError; that check is not one of the counted queries.
  // TODO: measure(fn) reports the result and the queries sent while fn ran, and only those.
  throw new Error('Not implemented yet: createQueryCounter in labs/11-n-plus-one/query-counter.ts');
}
