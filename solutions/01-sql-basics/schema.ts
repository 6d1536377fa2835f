// The DDL of this lab, as one SQL script. applySchema() sends it in a single query: without
// parameters, node-postgres uses the simple query protocol, which accepts several statements.
import type { Queryable } from './db.ts';

// #region schema
export const SCHEMA = /* sql */ `
CREATE TABLE users (
  id         integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email      text NOT NULL UNIQUE,
  name       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE posts (
  id         integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  author_id  integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  title      text NOT NULL CHECK (title <> ''),
  body       text NOT NULL DEFAULT '',
  like_count integer NOT NULL DEFAULT 0 CHECK (like_count >= 0),
  created_at timestamptz NOT NULL DEFAULT now()
);

-- PostgreSQL indexes the referenced side of a foreign key (users.id, the primary key) but not
-- the referencing column: without this, "posts of user 7" and every ON DELETE CASCADE scan
-- the whole posts table.
CREATE INDEX posts_author_id_idx ON posts (author_id);
-- "Newest posts first" reads this index backwards and stops after LIMIT rows.
CREATE INDEX posts_created_at_idx ON posts (created_at);
`;
// #endregion schema

export async function applySchema(db: Queryable): Promise<void> {
  await db.query(SCHEMA);
}
