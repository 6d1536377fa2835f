// The DDL of this lab, as one SQL script. applySchema() sends it in a single query: without
// parameters, node-postgres uses the simple query protocol, which accepts several statements.
import type { Queryable } from './db.ts';

export const SCHEMA = /* sql */ `
CREATE TABLE users (
  id         integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- TODO: an email column. Every user has one, and no two users share one, even when two sign-ups
  --       race: only a rule the database enforces on every write can promise that (a "check, then
  --       insert" in TypeScript can't).
  name       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE posts (
  id         integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- TODO: the author of the post. It must name a user that exists, and a post goes away with its
  --       author. Trap: without the database's own rule, a deleted user leaves orphan posts behind.
  title      text NOT NULL CHECK (title <> ''),
  body       text NOT NULL DEFAULT '',
  like_count integer NOT NULL DEFAULT 0 CHECK (like_count >= 0),
  created_at timestamptz NOT NULL DEFAULT now()
);

-- TODO: two indexes, one per query the app runs: "the posts of user 7" (and every cascading delete)
--       and "newest posts first". Trap: PostgreSQL indexes the primary key a foreign key points to,
--       not the column that points; and each index slows every write, so add these two, no more.
`;

export async function applySchema(db: Queryable): Promise<void> {
  await db.query(SCHEMA);
}
