// An interactive transaction: a user and their first post, both or neither.
import type { PrismaClient } from '../../prisma/client.ts';
import { EmailTakenError, isUniqueViolation } from './errors.ts';
import { type NewUser, USER_PUBLIC, type UserRecord } from './users.ts';

export interface FirstPost {
  title: string;
  content?: string | null;
}

export interface UserWithFirstPost {
  user: UserRecord;
  post: { id: number; title: string; content: string | null; published: boolean; authorId: number };
}

// #region transaction
export async function createUserWithFirstPost(prisma: PrismaClient, user: NewUser, post: FirstPost): Promise<UserWithFirstPost> {
  try {
    // Every query inside the callback runs on `tx`, one connection inside BEGIN ... COMMIT. If the
    // callback throws, Prisma sends ROLLBACK: the user insert is undone too.
    return await prisma.$transaction(async (tx) => {
      const created = await tx.user.create({ data: user, select: USER_PUBLIC });
      const firstPost = await tx.post.create({
        data: { title: post.title, content: post.content ?? null, published: true, authorId: created.id },
        select: { id: true, title: true, content: true, published: true, authorId: true },
      });
      return { user: created, post: firstPost };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new EmailTakenError(user.email, { cause: error });
    throw error;
  }
}
// #endregion transaction
