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
  // TODO: prisma.user.create with `data: input` and `select: USER_PUBLIC` (never return the hash).
  // TODO: wrap it in try/catch: when isUniqueViolation(error), throw new EmailTakenError(input.email, { cause: error });
  //       rethrow anything else.
  throw new Error('Not implemented yet: createUser in labs/04-prisma-queries/users.ts');
}

export async function getUserById(prisma: PrismaClient, id: number): Promise<UserRecord> {
  // TODO: findUnique by id with `select: USER_PUBLIC`; throw new UserNotFoundError(id) when it is null.
  throw new Error('Not implemented yet: getUserById in labs/04-prisma-queries/users.ts');
}

export async function updateUser(prisma: PrismaClient, id: number, changes: UserChanges): Promise<UserRecord> {
  // TODO: prisma.user.update({ where: { id }, data: changes, select: USER_PUBLIC }).
  // TODO: map isRecordNotFound (P2025) to UserNotFoundError and isUniqueViolation (P2002) to EmailTakenError.
  throw new Error('Not implemented yet: updateUser in labs/04-prisma-queries/users.ts');
}

/** Deletes the user; the database deletes their posts and sessions (ON DELETE CASCADE). */
export async function deleteUser(prisma: PrismaClient, id: number): Promise<void> {
  // TODO: prisma.user.delete({ where: { id } }); map P2025 to UserNotFoundError. The foreign keys
  //       (ON DELETE CASCADE) delete the posts and sessions: no extra queries needed.
  throw new Error('Not implemented yet: deleteUser in labs/04-prisma-queries/users.ts');
}

/** The user with this email and their `take` newest published posts, or null. */
export async function findUserWithLatestPosts(prisma: PrismaClient, email: string, take = 10): Promise<UserWithPosts | null> {
  // TODO: findUnique by email, selecting ...USER_PUBLIC plus `posts` with its own where (published),
  //       orderBy (createdAt desc, then id desc: two posts can share a millisecond) and take.
  throw new Error('Not implemented yet: findUserWithLatestPosts in labs/04-prisma-queries/users.ts');
}
