// Lab 02's DDL, applied on top of lab 01's users and posts (the reference schema from solutions/).
import { applySchema as applyBasicsSchema, type Queryable } from '../../solutions/01-sql-basics/index.ts';

export const SCHEMA = /* sql */ `
-- TODO: an index named posts_created_at_id_idx that serves the keyset query: it orders by, and seeks
--       to, a (created_at, id) position.
-- Lab 01's index on (created_at) alone is a prefix of that one: it serves no query the new index can't, and every INSERT still pays to maintain it.
DROP INDEX posts_created_at_idx;

-- TODO: a \`search\` column holding the searchable words of title and body, kept up to date by
--       PostgreSQL itself on every INSERT and UPDATE (trap: a column filled once by an UPDATE goes
--       stale for every later post). Title words should rank above body words. Trap: the text
--       search configuration must be spelled out, or PostgreSQL refuses the expression.
-- TODO: an index named posts_search_idx that can answer "which rows contain this word".

CREATE TABLE events (
  id         integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  type       text NOT NULL,
  payload    jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now()
);
-- TODO: an index named events_payload_idx for "payload contains this JSON" queries, with the
--       operator class made for containment only (smaller and faster than the default).
`;

/** Lab 01's tables, then this lab's additions. */
export async function applySchema(db: Queryable): Promise<void> {
  await applyBasicsSchema(db);
  await db.query(SCHEMA);
}
