// Sign-up with a first post: a user and their first post are created together or not at all.
import type pg from 'pg';
import { createPost, type Post } from './posts.ts';
import { withTransaction } from './transaction.ts';
import { createUser, type NewUser, type User } from './users.ts';

export interface SignUpInput extends NewUser {
  firstPost: { title: string; body?: string };
}

export async function signUpWithFirstPost(pool: pg.Pool, input: SignUpInput): Promise<{ user: User; post: Post }> {
  // TODO: create the user and their first post together or not at all, reusing createUser and
  //       createPost. The post needs the new user's id, which exists only once the user row is in.
  //       Trap: both calls must run inside the transaction; code given the pool runs outside it.
  throw new Error('not implemented yet: signUpWithFirstPost (labs/01-sql-basics/sign-up.ts)');
}
