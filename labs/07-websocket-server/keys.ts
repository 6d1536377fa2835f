// Every Redis key this lab uses, built in one place.
// Keys hold a SHA-256 digest of the secret, never the secret: key names show up in
// MONITOR output, SCAN results and slow logs, where a raw token would leak.
import { createHash } from 'node:crypto';

const digest = (secret: string) => createHash('sha256').update(secret).digest('base64url');

/** A session's id that is safe to keep and log: the digest of its token. */
export const sessionId = (token: string) => digest(token);

/** Cached session: `{ userId, expiresAt }`, expiring when the session does. */
export const sessionCacheKey = (prefix: string, token: string) => `${prefix}ws:session:${digest(token)}`;

/** A single-use WebSocket ticket: `{ userId, expiresAt }`, expiring after the ticket TTL. */
export const ticketKey = (prefix: string, ticket: string) => `${prefix}ws:ticket:${digest(ticket)}`;

/** "This session was revoked": outlives every ticket issued for it, so none of them can be redeemed. */
export const revokedSessionKey = (prefix: string, sessionId: string) => `${prefix}ws:revoked:${sessionId}`;
