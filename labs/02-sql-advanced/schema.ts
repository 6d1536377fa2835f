// Lab 02's DDL, applied on top of lab 01's users and posts (the reference schema from solutions/).
import { applySchema as applyBasicsSchema, type Queryable } from '../../solutions/01-sql-basics/index.ts';

export const SCHEMA = /* sql */ `
-- TODO: CREATE INDEX posts_created_at_id_idx on posts (created_at, id): keyset pages order by both columns and seek to a (created_at, id) position
-- Lab 01's index on (created_at) alone is a prefix of that one: it serves no query the new index can't, and every INSERT still pays to maintain it.
DROP INDEX posts_created_at_idx;

-- TODO: ALTER TABLE posts ADD COLUMN search tsvector GENERATED ALWAYS AS (...) STORED, so PostgreSQL recomputes it on every INSERT and UPDATE
--       inside: setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', body), 'B'), so title words rank higher
-- TODO: CREATE INDEX posts_search_idx on posts USING gin (search)

CREATE TABLE events (
  id         integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  type       text NOT NULL,
  payload    jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now()
);
-- TODO: CREATE INDEX events_payload_idx on events USING gin (payload jsonb_path_ops): the operator class made for @> containment
`;

/** Lab 01's tables, then this lab's additions. */
export async function applySchema(db: Queryable): Promise<void> {
  await applyBasicsSchema(db);
  await db.query(SCHEMA);
}
