// Who is this? Session tokens checked against PostgreSQL and cached in Redis, plus single-use
// tickets for browsers, and revocation (logout). The clients are injected; this module never
// creates one. Every Redis call is bounded (lab 06's boundedRedis): a Redis that stops answering
// costs a request `redisTimeoutMs`, not its whole life.
import { randomBytes } from 'node:crypto';
import { boundedRedis } from '../../solutions/06-redis-caching/index.ts';
import type { PrismaClient } from '../../prisma/client.ts';
import { AuthUnavailableError, ExpiredCredentialError, InvalidCredentialError } from './errors.ts';
import { revokedSessionKey, sessionCacheKey, sessionId, ticketKey } from './keys.ts';

/** The Redis commands this module uses (a node-redis 5 client fits). */
export interface CacheClient {
  /** False while the client is disconnected or reconnecting: skip the cache instead of waiting. */
  readonly isReady: boolean;
  get(key: string): Promise<string | null>;
  set(key: string, value: string, options: { expiration: { type: 'PX'; value: number } }): Promise<unknown>;
  getDel(key: string): Promise<string | null>;
  del(key: string): Promise<number>;
  exists(key: string): Promise<number>;
}

export interface AuthenticatedUser {
  userId: number;
  /** When the session ends (epoch ms). The server closes the socket with 4001 after it. */
  expiresAt: number;
  /** The session's id (`sessionId(token)`, a digest): revoking the session closes the sockets that carry it. */
  sessionId: string;
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
  /**
   * Longest time a session stays cached. revokeSession() deletes the cache entry at once; this
   * bounds how long a session deleted some other way (an admin's DELETE, an expiry job) still
   * works. @default 60_000
   */
  sessionCacheTtlMs?: number;
  /** Give up on one Redis command after this long (then: the database, or 503 for tickets). @default 1000 */
  redisTimeoutMs?: number;
  /** The clock. @default Date.now */
  now?: () => number;
}

const isUser = (v: unknown): v is AuthenticatedUser =>
  typeof v === 'object' &&
  v !== null &&
  Number.isInteger((v as AuthenticatedUser).userId) &&
  typeof (v as AuthenticatedUser).expiresAt === 'number' &&
  typeof (v as AuthenticatedUser).sessionId === 'string';

/** A stored `{ userId, expiresAt, sessionId }`, or null for nothing, broken JSON or another shape. */
function parseUser(raw: string | null): AuthenticatedUser | null {
  if (raw === null) return null;
  try {
    const value: unknown = JSON.parse(raw);
    return isUser(value) ? value : null;
  } catch {
    return null;
  }
}

export class SessionAuth {
  private readonly prisma: SessionAuthOptions['prisma'];
  private readonly redis: CacheClient;
  private readonly prefix: string;
  private readonly ticketTtlMs: number;
  private readonly sessionCacheTtlMs: number;
  private readonly redisTimeoutMs: number;
  private readonly now: () => number;

  constructor(options: SessionAuthOptions) {
    this.prisma = options.prisma;
    this.redis = options.redis;
    this.prefix = options.keyPrefix;
    this.ticketTtlMs = options.ticketTtlMs ?? 30_000;
    this.sessionCacheTtlMs = options.sessionCacheTtlMs ?? 60_000;
    this.redisTimeoutMs = options.redisTimeoutMs ?? 1000;
    this.now = options.now ?? Date.now;
  }

  /**
   * The user behind a session token. Redis first; on a miss (or with Redis down or silent)
   * PostgreSQL, then the answer is cached for the session's remaining lifetime, at most
   * `sessionCacheTtlMs`.
   */
  async verifyToken(token: string): Promise<AuthenticatedUser> {
    // TODO: const key = sessionCacheKey(this.prefix, token); a cached user (this.cacheGet) is the answer,
    //       unless its expiresAt has passed: then throw new ExpiredCredentialError().
    // TODO: on a miss, this.prisma.session.findUnique({ where: { token }, select: { userId: true, expiresAt: true } }),
    //       wrapped in try/catch: a database error becomes new AuthUnavailableError({ cause }).
    // TODO: no row -> InvalidCredentialError; expiresAt in the past (this.now()) -> ExpiredCredentialError.
    // TODO: the user is { userId, expiresAt: ms, sessionId: sessionId(token) }. If cacheGet said undefined
    //       (Redis down or silent), return it now: do not wait for Redis twice more. Else cache it (this.cacheSet) for
    //       the remaining lifetime but never longer than this.sessionCacheTtlMs: a session deleted behind
    //       our back must stop working within that bound.
    // TODO: then, if this.isRevoked(user.sessionId) (a logout raced with this read), delete the key again
    //       and throw InvalidCredentialError. Else return the user.
    throw new Error('Not implemented yet: SessionAuth.verifyToken (labs/07-websocket-server/session-auth.ts)');
  }

  /**
   * Ends a session everywhere it is kept: the row, the Redis cache of it, and the tickets issued
   * for it (a marker that outlives them). The token gets 401 from the next request on. Idempotent.
   * Throws AuthUnavailableError when the cache entry could not be removed: the row is gone, but
   * the cache would still accept the token for up to `sessionCacheTtlMs`, so the caller retries.
   */
  async revokeSession(token: string): Promise<{ sessionId: string }> {
    // TODO: id = sessionId(token). In this order, so a concurrent verifyToken cannot bring the session back:
    //       1. SET revokedSessionKey(this.prefix, id) '1' PX this.ticketTtlMs (through this.call; remember a failure);
    //       2. this.prisma.session.deleteMany({ where: { token } }) (a database error -> AuthUnavailableError({ cause }));
    //       3. DEL sessionCacheKey(this.prefix, token) (through this.call; remember a failure).
    // TODO: a remembered Redis failure -> throw AuthUnavailableError({ cause }) (the caller retries); else return { sessionId: id }.
    throw new Error('Not implemented yet: SessionAuth.revokeSession (labs/07-websocket-server/session-auth.ts)');
  }

  /** A fresh single-use ticket for the owner of `token`. Tickets live only in Redis. */
  async issueTicket(token: string): Promise<IssuedTicket> {
    // TODO: verify the token (verifyToken) and make a random ticket: randomBytes(24).toString('base64url').
    // TODO: expiresInMs = the smaller of this.ticketTtlMs and what is left of the session.
    // TODO: SET ticketKey(...) = JSON of the user with { expiration: { type: 'PX', value: expiresInMs } },
    //       through this.call (bounded); any Redis failure -> AuthUnavailableError({ cause }).
    // TODO: return { ticket, expiresInMs }.
    throw new Error('Not implemented yet: SessionAuth.issueTicket (labs/07-websocket-server/session-auth.ts)');
  }

  /**
   * The user a ticket was issued to. GETDEL reads and deletes in one step: a ticket works once.
   * A ticket of a session revoked since it was issued is refused like an unknown one.
   */
  async redeemTicket(ticket: string): Promise<AuthenticatedUser> {
    // TODO: GETDEL ticketKey(...) through this.call; parseUser the value (null -> InvalidCredentialError).
    // TODO: EXISTS revokedSessionKey(this.prefix, user.sessionId) through this.call; revoked -> InvalidCredentialError.
    // TODO: a Redis failure in either -> AuthUnavailableError({ cause }) (no fallback: tickets live only in Redis).
    // TODO: expired -> ExpiredCredentialError; else return the user.
    throw new Error('Not implemented yet: SessionAuth.redeemTicket (labs/07-websocket-server/session-auth.ts)');
  }

  /** A cache miss, a broken entry and Redis being down or silent all mean "ask the database". */
  private async cacheGet(key: string): Promise<AuthenticatedUser | null | undefined> {
    // TODO: GET the key through this.call (bounded: not connected or silent Redis fails fast) and return
    //       parseUser(value). Any error -> undefined (ask the database instead, and skip Redis after it).
    throw new Error('Not implemented yet: SessionAuth.cacheGet (labs/07-websocket-server/session-auth.ts)');
  }

  private async cacheSet(key: string, user: AuthenticatedUser, ttlMs: number): Promise<void> {
    // TODO: SET key = JSON of user, expiring after ttlMs (PX), through this.call. Ignore errors.
    throw new Error('Not implemented yet: SessionAuth.cacheSet (labs/07-websocket-server/session-auth.ts)');
  }

  /** True if the session was revoked lately; Redis down or silent counts as "no" (the row is the truth). */
  private async isRevoked(id: string): Promise<boolean> {
    try {
      return (await this.call((c) => c.exists(revokedSessionKey(this.prefix, id)))) > 0;
    } catch {
      return false;
    }
  }

  /** One Redis command: not connected fails at once, no answer within redisTimeoutMs fails then. */
  private call<R>(operation: (client: CacheClient) => Promise<R>): Promise<R> {
    return boundedRedis(this.redis, this.redisTimeoutMs, operation);
  }
}
