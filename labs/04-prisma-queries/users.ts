// CRUD on users, plus "a user with their latest published posts". Every function selects the
// columns it returns: the password hash never leaves this module.
import type { Prisma, PrismaClient } from '../../prisma/client.ts';
import { EmailTakenError, isRecordNotFound, isUniqueViolation, UserNotFoundError } from './errors.ts';

export interface NewUser {
  email: string;
  name: string;
  passwordHash: string;
}

export interface UserChanges {
  email?: string;
  name?: string;
}

/** The columns of a user that may leave the database layer. */
export const USER_PUBLIC = { id: true, email: true, name: true, createdAt: true, updatedAt: true } as const satisfies Prisma.UserSelect;
export type UserRecord = Prisma.UserGetPayload<{ select: typeof USER_PUBLIC }>;

export type UserWithPosts = UserRecord & { posts: Prisma.PostModel[] };

export async function createUser(prisma: PrismaClient, input: NewUser): Promise<UserRecord> {
  // TODO: create the user and return its public fields only. Trap: the password hash must never
  //       leave this module, not even in a returned object.
  // TODO: a taken email is EmailTakenError (with the Prisma error as `cause`); tell it apart with
  //       the helpers of errors.ts and let every other error through.
  throw new Error('Not implemented yet: createUser in labs/04-prisma-queries/users.ts');
}

export async function getUserById(prisma: PrismaClient, id: number): Promise<UserRecord> {
  // TODO: the user's public fields, or UserNotFoundError when there is no such user.
  throw new Error('Not implemented yet: getUserById in labs/04-prisma-queries/users.ts');
}

export async function updateUser(prisma: PrismaClient, id: number, changes: UserChanges): Promise<UserRecord> {
  // TODO: apply the changes and return the public fields, in one query.
  // TODO: a missing user is UserNotFoundError, a taken email EmailTakenError: Prisma reports each
  //       with its own error code (errors.ts has a helper for each).
  throw new Error('Not implemented yet: updateUser in labs/04-prisma-queries/users.ts');
}

/** Deletes the user; the database deletes their posts and sessions (ON DELETE CASCADE). */
export async function deleteUser(prisma: PrismaClient, id: number): Promise<void> {
  // TODO: delete the user (UserNotFoundError when there is none). Their posts and sessions go too:
  //       the schema's foreign keys already say so, so no extra queries.
  throw new Error('Not implemented yet: deleteUser in labs/04-prisma-queries/users.ts');
}

/** The user with this email and their `take` newest published posts, or null. */
export async function findUserWithLatestPosts(prisma: PrismaClient, email: string, take = 10): Promise<UserWithPosts | null> {
  // TODO: in one query, the user's public fields and their `take` latest published posts, newest
  //       first. A relation in a select can have its own filter, order and limit. Trap: two posts
  //       can share a millisecond: the order needs a tie-breaker.
  throw new Error('Not implemented yet: findUserWithLatestPosts in labs/04-prisma-queries/users.ts');
}
