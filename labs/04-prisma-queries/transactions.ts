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
  // TODO: create the user (public fields only) and their first, published post together or not at
  //       all, in an interactive transaction, and return both. Trap: inside the transaction's
  //       callback, a query sent through `prisma` runs outside it.
  // TODO: a taken email is EmailTakenError; every other error goes out unchanged.
  throw new Error('Not implemented yet: createUserWithFirstPost in labs/04-prisma-queries/transactions.ts');
}
