// Events with a free-form JSONB payload, queried by containment (@>) through a GIN index.
import type { Queryable } from '../../solutions/01-sql-basics/index.ts';

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface Event {
  id: number;
  type: string;
  payload: JsonObject;
  createdAt: Date;
}

const EVENT_COLUMNS = `id, type, payload, created_at AS "createdAt"`;

export async function recordEvent(db: Queryable, input: { type: string; payload: JsonObject }): Promise<Event> {
  // TODO: store the event and return it as stored, with the payload as the same JSON value.
  // TODO: trap: node-postgres converts a JavaScript array parameter into a PostgreSQL array, not
  //       JSON; send the payload as JSON text and tell PostgreSQL which type it is.
  throw new Error('not implemented yet: recordEvent (labs/02-sql-advanced/events.ts)');
}

/** Events whose payload contains `filter` (same keys and values, at any depth), newest first. */
export async function findEventsContaining(
  db: Queryable,
  filter: JsonObject,
  options: { limit?: number } = {},
): Promise<Event[]> {
  // TODO: the events whose payload contains `filter` (every key and value of the filter is in the
  //       payload; extra keys are fine), with the operator the GIN index in schema.ts can serve.
  // TODO: newest first with a tie-breaker, at most options.limit (default 50).
  throw new Error('not implemented yet: findEventsContaining (labs/02-sql-advanced/events.ts)');
}
