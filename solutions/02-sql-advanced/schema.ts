// Lab 02's DDL, applied on top of lab 01's users and posts (the reference schema from solutions/).
import { applySchema as applyBasicsSchema, type Queryable } from '../../solutions/01-sql-basics/index.ts';

// #region schema
export const SCHEMA = /* sql */ `
-- Keyset pagination orders by (created_at, id) and seeks to "(created_at, id) < (cursor)":
-- one B-tree over both columns serves both, read backwards for DESC.
CREATE INDEX posts_created_at_id_idx ON posts (created_at, id);
-- Lab 01's index on (created_at) alone is now a prefix of the one above: it serves no query the
-- new index can't, and every INSERT still pays to maintain it.
DROP INDEX posts_created_at_idx;

-- A generated column is recomputed by PostgreSQL on every INSERT and UPDATE, so it can never go
-- stale. Title words weigh more (A) than body words (B) when ts_rank scores a match.
-- to_tsvector needs the configuration ('english') spelled out: the one-argument form depends on a
-- setting, so it is not IMMUTABLE and a generated column refuses it.
ALTER TABLE posts ADD COLUMN search tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('english', title), 'A') ||
  setweight(to_tsvector('english', body), 'B')
) STORED;
CREATE INDEX posts_search_idx ON posts USING gin (search);

CREATE TABLE events (
  id         integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  type       text NOT NULL,
  payload    jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now()
);
-- jsonb_path_ops: a smaller, faster GIN index that supports @> (containment) only; the default
-- operator class (jsonb_ops) also indexes keys for ?, ?| and ?& at about twice the size.
CREATE INDEX events_payload_idx ON events USING gin (payload jsonb_path_ops);
`;
// #endregion schema

/** Lab 01's tables, then this lab's additions. */
export async function applySchema(db: Queryable): Promise<void> {
  await applyBasicsSchema(db);
  await db.query(SCHEMA);
}
