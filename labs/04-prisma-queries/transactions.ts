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

export async function createUserWithFirstPost(prisma: PrismaClient, user: NewUser, post: FirstPost): Promise<UserWithFirstPost> {
  // TODO: prisma.$transaction(async (tx) => { ... }): create the user on `tx` (select USER_PUBLIC),
  //       then the post on `tx` (published: true, authorId: the new user's id), return both.
  //       Use `tx`, not `prisma`, inside the callback: only `tx` runs inside the transaction.
  // TODO: map a unique violation (the email) to EmailTakenError; rethrow anything else.
  throw new Error('Not implemented yet: createUserWithFirstPost in labs/04-prisma-queries/transactions.ts');
}
