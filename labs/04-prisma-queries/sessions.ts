// Sessions: create one per login, and delete the expired ones in one statement.
import { randomBytes } from 'node:crypto';
import type { PrismaClient } from '../../prisma/client.ts';

export interface NewSession {
  token: string;
  expiresAt: Date;
}

/** A new session for the user: a random 256-bit token, valid for `ttlMs` from `now`. */
export async function createSession(prisma: PrismaClient, userId: number, ttlMs: number, now = new Date()): Promise<NewSession> {
  // TODO: store a new session for the user that expires ttlMs from now, and return its token and
  //       expiry. The token is a secret: unguessable (from a cryptographic source, 32 bytes) and
  //       safe to put in a header or a URL.
  throw new Error('Not implemented yet: createSession in labs/04-prisma-queries/sessions.ts');
}

/** Deletes every session that has expired at `now` (expiresAt <= now) and returns how many. */
export async function deleteExpiredSessions(prisma: PrismaClient, now = new Date()): Promise<number> {
  // TODO: delete every expired session (expiring exactly now counts) in one statement, whatever
  //       their number, and return how many went. Trap: loading them first and deleting one by one
  //       is N+1 round trips.
  throw new Error('Not implemented yet: deleteExpiredSessions in labs/04-prisma-queries/sessions.ts');
}
