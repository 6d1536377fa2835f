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
  // TODO: INSERT INTO events (type, payload) VALUES ($1, $2::jsonb) RETURNING ${EVENT_COLUMNS}
  // TODO: pass JSON.stringify(input.payload) as $2 (node-postgres would turn a JS array into a PostgreSQL array, not JSON); return rows[0]
  throw new Error('not implemented yet: recordEvent (labs/02-sql-advanced/events.ts)');
}

/** Events whose payload contains `filter` (same keys and values, at any depth), newest first. */
export async function findEventsContaining(
  db: Queryable,
  filter: JsonObject,
  options: { limit?: number } = {},
): Promise<Event[]> {
  // TODO: SELECT ${EVENT_COLUMNS} FROM events WHERE payload @> $1::jsonb, with JSON.stringify(filter) as $1
  // TODO: ORDER BY created_at DESC, id DESC LIMIT $2 (options.limit ?? 50)
  throw new Error('not implemented yet: findEventsContaining (labs/02-sql-advanced/events.ts)');
}
