// Sign-up with a first post: a user and their first post are created together or not at all.
import type pg from 'pg';
import { createPost, type Post } from './posts.ts';
import { withTransaction } from './transaction.ts';
import { createUser, type NewUser, type User } from './users.ts';

export interface SignUpInput extends NewUser {
  firstPost: { title: string; body?: string };
}

export async function signUpWithFirstPost(pool: pg.Pool, input: SignUpInput): Promise<{ user: User; post: Post }> {
  // TODO: return withTransaction(pool, async (client) => { ... }), passing `client` (not pool) to both functions below
  // TODO: const user = await createUser(client, ...): its RETURNING gives you the new id (MySQL's LAST_INSERT_ID() does not exist here)
  // TODO: const post = await createPost(client, { authorId: user.id, ...input.firstPost }); return { user, post }
  throw new Error('not implemented yet: signUpWithFirstPost (labs/01-sql-basics/sign-up.ts)');
}
