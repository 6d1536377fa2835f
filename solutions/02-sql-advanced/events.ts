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

// #region record-event
export async function recordEvent(db: Queryable, input: { type: string; payload: JsonObject }): Promise<Event> {
  // Serialise JSON yourself: node-postgres turns a JS *array* parameter into a PostgreSQL array
  // ('{1,2}'), not JSON. JSON.stringify + ::jsonb works for every JSON value.
  const { rows } = await db.query<Event>(
    `INSERT INTO events (type, payload) VALUES ($1, $2::jsonb) RETURNING ${EVENT_COLUMNS}`,
    [input.type, JSON.stringify(input.payload)],
  );
  return rows[0]!;
}
// #endregion record-event

// #region find-containing
/** Events whose payload contains `filter` (same keys and values, at any depth), newest first. */
export async function findEventsContaining(
  db: Queryable,
  filter: JsonObject,
  options: { limit?: number } = {},
): Promise<Event[]> {
  const { rows } = await db.query<Event>(
    `SELECT ${EVENT_COLUMNS} FROM events
      WHERE payload @> $1::jsonb
      ORDER BY created_at DESC, id DESC
      LIMIT $2`,
    [JSON.stringify(filter), options.limit ?? 50],
  );
  return rows;
}
// #endregion find-containing
