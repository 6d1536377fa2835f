// Sessions: create one per login, and delete the expired ones in one statement.
import { randomBytes } from 'node:crypto';
import type { PrismaClient } from '../../prisma/client.ts';

export interface NewSession {
  token: string;
  expiresAt: Date;
}

/** A new session for the user: a random 256-bit token, valid for `ttlMs` from `now`. */
export async function createSession(prisma: PrismaClient, userId: number, ttlMs: number, now = new Date()): Promise<NewSession> {
  // TODO: a token of 32 random bytes (crypto.randomBytes) in base64url, expiresAt = now + ttlMs;
  //       store it with prisma.session.create and return { token, expiresAt }.
  throw new Error('Not implemented yet: createSession in labs/04-prisma-queries/sessions.ts');
}

/** Deletes every session that has expired at `now` (expiresAt <= now) and returns how many. */
export async function deleteExpiredSessions(prisma: PrismaClient, now = new Date()): Promise<number> {
  // TODO: one prisma.session.deleteMany whose where is expiresAt <= now (`lte`); return its `count`.
  throw new Error('Not implemented yet: deleteExpiredSessions in labs/04-prisma-queries/sessions.ts');
}
