// Sign-up with a first post: a user and their first post are created together or not at all.
import type pg from 'pg';
import { createPost, type Post } from './posts.ts';
import { withTransaction } from './transaction.ts';
import { createUser, type NewUser, type User } from './users.ts';

export interface SignUpInput extends NewUser {
  firstPost: { title: string; body?: string };
}

// #region sign-up
export async function signUpWithFirstPost(pool: pg.Pool, input: SignUpInput): Promise<{ user: User; post: Post }> {
  return withTransaction(pool, async (client) => {
    // INSERT ... RETURNING hands back the new id in the same round trip (no LAST_INSERT_ID()).
    const user = await createUser(client, { email: input.email, name: input.name });
    const post = await createPost(client, { authorId: user.id, ...input.firstPost });
    return { user, post };
  });
}
// #endregion sign-up
