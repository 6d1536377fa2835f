// The DDL of this lab, as one SQL script. applySchema() sends it in a single query: without
// parameters, node-postgres uses the simple query protocol, which accepts several statements.
import type { Queryable } from './db.ts';

export const SCHEMA = /* sql */ `
CREATE TABLE users (
  id         integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- TODO: add an \`email text\` column that must be present (NOT NULL) and that no two users may share (UNIQUE)
  name       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE posts (
  id         integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- TODO: add \`author_id integer\`, required, referencing users (id), and deleted together with its user (ON DELETE CASCADE)
  title      text NOT NULL CHECK (title <> ''),
  body       text NOT NULL DEFAULT '',
  like_count integer NOT NULL DEFAULT 0 CHECK (like_count >= 0),
  created_at timestamptz NOT NULL DEFAULT now()
);

-- TODO: CREATE INDEX on posts (author_id): PostgreSQL indexes users.id (the primary key), not the column pointing at it
-- TODO: CREATE INDEX on posts (created_at), so "newest first" reads the index instead of sorting the table
`;

export async function applySchema(db: Queryable): Promise<void> {
  await db.query(SCHEMA);
}
