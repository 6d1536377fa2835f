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

// #region user-public
/** The columns of a user that may leave the database layer. */
export const USER_PUBLIC = { id: true, email: true, name: true, createdAt: true, updatedAt: true } as const satisfies Prisma.UserSelect;
export type UserRecord = Prisma.UserGetPayload<{ select: typeof USER_PUBLIC }>;
// #endregion user-public

export type UserWithPosts = UserRecord & { posts: Prisma.PostModel[] };

// #region create-user
export async function createUser(prisma: PrismaClient, input: NewUser): Promise<UserRecord> {
  try {
    return await prisma.user.create({ data: input, select: USER_PUBLIC });
  } catch (error) {
    // Catch narrowly: only the unique violation means "email taken"; anything else is rethrown.
    if (isUniqueViolation(error)) throw new EmailTakenError(input.email, { cause: error });
    throw error;
  }
}
// #endregion create-user

export async function getUserById(prisma: PrismaClient, id: number): Promise<UserRecord> {
  const user = await prisma.user.findUnique({ where: { id }, select: USER_PUBLIC });
  if (!user) throw new UserNotFoundError(id);
  return user;
}

// #region update-user
export async function updateUser(prisma: PrismaClient, id: number, changes: UserChanges): Promise<UserRecord> {
  try {
    return await prisma.user.update({ where: { id }, data: changes, select: USER_PUBLIC });
  } catch (error) {
    if (isRecordNotFound(error)) throw new UserNotFoundError(id, { cause: error });
    if (isUniqueViolation(error)) throw new EmailTakenError(changes.email ?? '', { cause: error });
    throw error;
  }
}
// #endregion update-user

/** Deletes the user; the database deletes their posts and sessions (ON DELETE CASCADE). */
export async function deleteUser(prisma: PrismaClient, id: number): Promise<void> {
  try {
    await prisma.user.delete({ where: { id } });
  } catch (error) {
    if (isRecordNotFound(error)) throw new UserNotFoundError(id, { cause: error });
    throw error;
  }
}

// #region latest-posts
/** The user with this email and their `take` newest published posts, or null. */
export async function findUserWithLatestPosts(prisma: PrismaClient, email: string, take = 10): Promise<UserWithPosts | null> {
  return prisma.user.findUnique({
    where: { email },
    select: {
      ...USER_PUBLIC,
      posts: {
        where: { published: true },
        // createdAt alone is not a total order (two posts in the same millisecond): add the id.
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take,
      },
    },
  });
}
// #endregion latest-posts
