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
    // TODO: cache-aside over the sessions table (lab 06), keyed by sessionCacheKey. Contract: an unknown
    //       token -> InvalidCredentialError; a session past its expiry (this.now(), cached or not) ->
    //       ExpiredCredentialError; the database failing -> AuthUnavailableError with the cause.
    // TODO: how long to cache: never past the session's own end, and never longer than
    //       this.sessionCacheTtlMs, so a session deleted behind the cache's back stops working in time.
    // Traps: cacheGet tells "Redis is down or silent" (undefined) apart from a miss (null); after the
    //        former, do not wait on Redis again in this call. And a logout can race with this read:
    //        check isRevoked after caching, and take back what you cached if it was.
    throw new Error('Not implemented yet: SessionAuth.verifyToken (labs/07-websocket-server/session-auth.ts)');
  }

  /**
   * Ends a session everywhere it is kept: the row, the Redis cache of it, and the tickets issued
   * for it (a marker that outlives them). The token gets 401 from the next request on. Idempotent.
   * Throws AuthUnavailableError when the cache entry could not be removed: the row is gone, but
   * the cache would still accept the token for up to `sessionCacheTtlMs`, so the caller retries.
   */
  async revokeSession(token: string): Promise<{ sessionId: string }> {
    // TODO: remove the session from all three places it lives: a revocation marker (revokedSessionKey,
    //       living as long as a ticket can), the row, the cached copy. Contract: idempotent; a Redis
    //       step that failed is reported as AuthUnavailableError after the others were tried (the
    //       caller retries), a database failure too.
    // Trap: the order matters. A verifyToken running at the same time must not be able to put the
    //       session back into the cache once you are done: think about which step it checks last.
    throw new Error('Not implemented yet: SessionAuth.revokeSession (labs/07-websocket-server/session-auth.ts)');
  }

  /** A fresh single-use ticket for the owner of `token`. Tickets live only in Redis. */
  async issueTicket(token: string): Promise<IssuedTicket> {
    // TODO: only a valid session gets a ticket. The ticket is an unguessable random string stored in
    //       Redis (ticketKey) with the user it stands for. Contract: it lives this.ticketTtlMs, or less
    //       if the session ends sooner; Redis failing -> AuthUnavailableError (tickets live nowhere else).
    // Trap: every Redis call goes through this.call, so a silent Redis cannot hang the request.
    throw new Error('Not implemented yet: SessionAuth.issueTicket (labs/07-websocket-server/session-auth.ts)');
  }

  /**
   * The user a ticket was issued to. GETDEL reads and deletes in one step: a ticket works once.
   * A ticket of a session revoked since it was issued is refused like an unknown one.
   */
  async redeemTicket(ticket: string): Promise<AuthenticatedUser> {
    // TODO: a ticket works once. Contract: unknown, already used, or issued for a session revoked since
    //       -> InvalidCredentialError; expired -> ExpiredCredentialError; Redis failing ->
    //       AuthUnavailableError (no fallback: tickets live only in Redis).
    // Trap: "read it, then delete it" in two commands lets two handshakes redeem the same ticket.
    throw new Error('Not implemented yet: SessionAuth.redeemTicket (labs/07-websocket-server/session-auth.ts)');
  }

  /** A cache miss, a broken entry and Redis being down or silent all mean "ask the database". */
  private async cacheGet(key: string): Promise<AuthenticatedUser | null | undefined> {
    // TODO: the cached user, null on a miss or a broken entry, undefined when Redis could not answer
    //       (down or silent: this.call bounds the wait). Never throws: the database is the fallback.
    throw new Error('Not implemented yet: SessionAuth.cacheGet (labs/07-websocket-server/session-auth.ts)');
  }

  private async cacheSet(key: string, user: AuthenticatedUser, ttlMs: number): Promise<void> {
    // TODO: store the user under key for ttlMs (milliseconds). Best effort: a cache that cannot be
    //       written is not a failed login.
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
