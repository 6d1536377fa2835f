// Who is this? Session tokens checked against PostgreSQL and cached in Redis, plus single-use
// tickets for browsers. The clients are injected; this module never creates one.
import { randomBytes } from 'node:crypto';
import type { PrismaClient } from '../../prisma/client.ts';
import { AuthUnavailableError, ExpiredCredentialError, InvalidCredentialError } from './errors.ts';
import { sessionCacheKey, ticketKey } from './keys.ts';

/** The Redis commands this module uses (a node-redis 5 client fits). */
export interface CacheClient {
  /** False while the client is disconnected or reconnecting: skip the cache instead of waiting. */
  readonly isReady: boolean;
  get(key: string): Promise<string | null>;
  set(key: string, value: string, options: { expiration: { type: 'PX'; value: number } }): Promise<unknown>;
  getDel(key: string): Promise<string | null>;
}

export interface AuthenticatedUser {
  userId: number;
  /** When the session ends (epoch ms). The server closes the socket with 4001 after it. */
  expiresAt: number;
}

export interface IssuedTicket {
  ticket: string;
  expiresInMs: number;
}

export interface SessionAuthOptions {
  prisma: Pick<PrismaClient, 'session'>;
  redis: CacheClient;
  /** Put in front of every Redis key. */
  keyPrefix: string;
  /** How long a ticket stays redeemable. @default 30_000 */
  ticketTtlMs?: number;
  /** The clock. @default Date.now */
  now?: () => number;
}

const isUser = (v: unknown): v is AuthenticatedUser =>
  typeof v === 'object' && v !== null && Number.isInteger((v as AuthenticatedUser).userId) && typeof (v as AuthenticatedUser).expiresAt === 'number';

export class SessionAuth {
  private readonly prisma: SessionAuthOptions['prisma'];
  private readonly redis: CacheClient;
  private readonly prefix: string;
  private readonly ticketTtlMs: number;
  private readonly now: () => number;

  constructor(options: SessionAuthOptions) {
    this.prisma = options.prisma;
    this.redis = options.redis;
    this.prefix = options.keyPrefix;
    this.ticketTtlMs = options.ticketTtlMs ?? 30_000;
    this.now = options.now ?? Date.now;
  }

  /**
   * The user behind a session token. Redis first; on a miss (or with Redis down) PostgreSQL,
   * then the answer is cached for exactly the session's remaining lifetime.
   */
  async verifyToken(token: string): Promise<AuthenticatedUser> {
    // TODO: const key = sessionCacheKey(this.prefix, token); a cached user (this.cacheGet) is the answer,
    //       unless its expiresAt has passed: then throw new ExpiredCredentialError().
    // TODO: on a miss, this.prisma.session.findUnique({ where: { token }, select: { userId: true, expiresAt: true } }),
    //       wrapped in try/catch: a database error becomes new AuthUnavailableError({ cause }).
    // TODO: no row -> InvalidCredentialError; expiresAt in the past (this.now()) -> ExpiredCredentialError.
    // TODO: cache { userId, expiresAt: ms } for the remaining lifetime (this.cacheSet) and return it.
    throw new Error('Not implemented yet: SessionAuth.verifyToken (labs/07-websocket-server/session-auth.ts)');
  }

  /** A fresh single-use ticket for the owner of `token`. Tickets live only in Redis. */
  async issueTicket(token: string): Promise<IssuedTicket> {
    // TODO: verify the token (verifyToken) and make a random ticket: randomBytes(24).toString('base64url').
    // TODO: expiresInMs = the smaller of this.ticketTtlMs and what is left of the session.
    // TODO: Redis not ready -> AuthUnavailableError. SET ticketKey(...) = JSON of the user with
    //       { expiration: { type: 'PX', value: expiresInMs } }; a Redis error -> AuthUnavailableError({ cause }).
    // TODO: return { ticket, expiresInMs }.
    throw new Error('Not implemented yet: SessionAuth.issueTicket (labs/07-websocket-server/session-auth.ts)');
  }

  /** The user a ticket was issued to. GETDEL reads and deletes in one step: a ticket works once. */
  async redeemTicket(ticket: string): Promise<AuthenticatedUser> {
    // TODO: Redis not ready -> AuthUnavailableError (no fallback: tickets live only in Redis).
    // TODO: GETDEL ticketKey(...) (this.redis.getDel); a Redis error -> AuthUnavailableError({ cause }).
    // TODO: nothing there (or not a user: isUser) -> InvalidCredentialError; expired -> ExpiredCredentialError.
    throw new Error('Not implemented yet: SessionAuth.redeemTicket (labs/07-websocket-server/session-auth.ts)');
  }

  /** A cache miss, a broken entry and Redis being down all mean "ask the database". */
  private async cacheGet(key: string): Promise<AuthenticatedUser | null> {
    // TODO: Redis not ready -> null (do not wait for it to come back).
    // TODO: GET the key and JSON.parse it; return it if isUser(value), else null. Any error -> null.
    throw new Error('Not implemented yet: SessionAuth.cacheGet (labs/07-websocket-server/session-auth.ts)');
  }

  private async cacheSet(key: string, user: AuthenticatedUser, ttlMs: number): Promise<void> {
    // TODO: Redis not ready -> return. SET key = JSON of user, expiring after ttlMs (PX). Ignore errors.
    throw new Error('Not implemented yet: SessionAuth.cacheSet (labs/07-websocket-server/session-auth.ts)');
  }
}
