// Who is this? Session tokens checked against PostgreSQL and cached in Redis, plus single-use
// tickets for browsers, and revocation (logout). The clients are injected; this module never
// creates one. Every Redis call is bounded (lab 06's boundedRedis): a Redis that stops answering
// costs a request `redisTimeoutMs`, not its whole life.
import { randomBytes } from 'node:crypto';
import { boundedRedis } from '../06-redis-caching/index.ts';
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

  // #region verify-token
  /**
   * The user behind a session token. Redis first; on a miss (or with Redis down or silent)
   * PostgreSQL, then the answer is cached for the session's remaining lifetime, at most
   * `sessionCacheTtlMs`.
   */
  async verifyToken(token: string): Promise<AuthenticatedUser> {
    const key = sessionCacheKey(this.prefix, token);
    const cached = await this.cacheGet(key);
    if (cached) {
      if (cached.expiresAt <= this.now()) throw new ExpiredCredentialError();
      return cached;
    }
    let row: { userId: number; expiresAt: Date } | null;
    try {
      row = await this.prisma.session.findUnique({ where: { token }, select: { userId: true, expiresAt: true } });
    } catch (error) {
      throw new AuthUnavailableError({ cause: error });
    }
    if (!row) throw new InvalidCredentialError();
    const user = { userId: row.userId, expiresAt: row.expiresAt.getTime(), sessionId: sessionId(token) };
    const remainingMs = user.expiresAt - this.now();
    if (remainingMs <= 0) throw new ExpiredCredentialError();
    if (cached === undefined) return user; // Redis is down or silent: do not wait for it twice more
    await this.cacheSet(key, user, Math.min(remainingMs, this.sessionCacheTtlMs));
    // Revoked while we were reading? Then what we just cached must go again.
    if (await this.isRevoked(user.sessionId)) {
      await this.call((c) => c.del(key)).catch(() => {});
      throw new InvalidCredentialError();
    }
    return user;
  }
  // #endregion verify-token

  // #region revoke
  /**
   * Ends a session everywhere it is kept: the row, the Redis cache of it, and the tickets issued
   * for it (a marker that outlives them). The token gets 401 from the next request on. Idempotent.
   * Throws AuthUnavailableError when the cache entry could not be removed: the row is gone, but
   * the cache would still accept the token for up to `sessionCacheTtlMs`, so the caller retries.
   */
  async revokeSession(token: string): Promise<{ sessionId: string }> {
    const id = sessionId(token);
    // The marker first: a verifyToken that read the row just before the DELETE checks it after
    // caching, so it cannot bring the session back (see verifyToken).
    const marked = await this.call((c) => c.set(revokedSessionKey(this.prefix, id), '1', { expiration: { type: 'PX', value: this.ticketTtlMs } })).then(
      () => null,
      (error: unknown) => error,
    );
    try {
      await this.prisma.session.deleteMany({ where: { token } });
    } catch (error) {
      throw new AuthUnavailableError({ cause: error });
    }
    const uncached = await this.call((c) => c.del(sessionCacheKey(this.prefix, token))).then(
      () => null,
      (error: unknown) => error,
    );
    if (marked ?? uncached) throw new AuthUnavailableError({ cause: marked ?? uncached });
    return { sessionId: id };
  }
  // #endregion revoke

  // #region tickets
  /** A fresh single-use ticket for the owner of `token`. Tickets live only in Redis. */
  async issueTicket(token: string): Promise<IssuedTicket> {
    const user = await this.verifyToken(token);
    const ticket = randomBytes(24).toString('base64url');
    const expiresInMs = Math.min(this.ticketTtlMs, user.expiresAt - this.now());
    try {
      await this.call((c) => c.set(ticketKey(this.prefix, ticket), JSON.stringify(user), { expiration: { type: 'PX', value: expiresInMs } }));
    } catch (error) {
      throw new AuthUnavailableError({ cause: error });
    }
    return { ticket, expiresInMs };
  }

  /**
   * The user a ticket was issued to. GETDEL reads and deletes in one step: a ticket works once.
   * A ticket of a session revoked since it was issued is refused like an unknown one.
   */
  async redeemTicket(ticket: string): Promise<AuthenticatedUser> {
    let raw: string | null;
    let revoked: number;
    try {
      raw = await this.call((c) => c.getDel(ticketKey(this.prefix, ticket)));
      const user = parseUser(raw);
      if (!user) throw new InvalidCredentialError();
      revoked = await this.call((c) => c.exists(revokedSessionKey(this.prefix, user.sessionId)));
    } catch (error) {
      if (error instanceof InvalidCredentialError) throw error;
      throw new AuthUnavailableError({ cause: error });
    }
    const user = parseUser(raw)!;
    if (revoked > 0) throw new InvalidCredentialError();
    if (user.expiresAt <= this.now()) throw new ExpiredCredentialError();
    return user;
  }
  // #endregion tickets

  // #region cache
  /**
   * The cached user, null for a miss or a broken entry, undefined when Redis is down or did not
   * answer in time. All three mean "ask the database"; undefined also means "skip Redis after it".
   */
  private async cacheGet(key: string): Promise<AuthenticatedUser | null | undefined> {
    try {
      return parseUser(await this.call((c) => c.get(key)));
    } catch {
      return undefined;
    }
  }

  private async cacheSet(key: string, user: AuthenticatedUser, ttlMs: number): Promise<void> {
    try {
      await this.call((c) => c.set(key, JSON.stringify(user), { expiration: { type: 'PX', value: ttlMs } }));
    } catch {
      // Caching is an optimisation: the handshake goes on without it.
    }
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
  // #endregion cache
}
