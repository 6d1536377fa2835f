// Sessions: create one per login, and delete the expired ones in one statement.
import { randomBytes } from 'node:crypto';
import type { PrismaClient } from '../../prisma/client.ts';

export interface NewSession {
  token: string;
  expiresAt: Date;
}

/** A new session for the user: a random 256-bit token, valid for `ttlMs` from `now`. */
export async function createSession(prisma: PrismaClient, userId: number, ttlMs: number, now = new Date()): Promise<NewSession> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + ttlMs);
  await prisma.session.create({ data: { token, userId, expiresAt } });
  return { token, expiresAt };
}

// #region delete-expired
/** Deletes every session that has expired at `now` (expiresAt <= now) and returns how many. */
export async function deleteExpiredSessions(prisma: PrismaClient, now = new Date()): Promise<number> {
  // One DELETE ... WHERE expires_at <= $1, not a findMany plus one delete per row.
  const { count } = await prisma.session.deleteMany({ where: { expiresAt: { lte: now } } });
  return count;
}
// #endregion delete-expired
