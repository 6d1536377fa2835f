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

  // #region verify-token
  /**
   * The user behind a session token. Redis first; on a miss (or with Redis down) PostgreSQL,
   * then the answer is cached for exactly the session's remaining lifetime.
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
    const user = { userId: row.userId, expiresAt: row.expiresAt.getTime() };
    const remainingMs = user.expiresAt - this.now();
    if (remainingMs <= 0) throw new ExpiredCredentialError();
    await this.cacheSet(key, user, remainingMs);
    return user;
  }
  // #endregion verify-token

  // #region tickets
  /** A fresh single-use ticket for the owner of `token`. Tickets live only in Redis. */
  async issueTicket(token: string): Promise<IssuedTicket> {
    const user = await this.verifyToken(token);
    const ticket = randomBytes(24).toString('base64url');
    const expiresInMs = Math.min(this.ticketTtlMs, user.expiresAt - this.now());
    if (!this.redis.isReady) throw new AuthUnavailableError();
    try {
      await this.redis.set(ticketKey(this.prefix, ticket), JSON.stringify(user), { expiration: { type: 'PX', value: expiresInMs } });
    } catch (error) {
      throw new AuthUnavailableError({ cause: error });
    }
    return { ticket, expiresInMs };
  }

  /** The user a ticket was issued to. GETDEL reads and deletes in one step: a ticket works once. */
  async redeemTicket(ticket: string): Promise<AuthenticatedUser> {
    if (!this.redis.isReady) throw new AuthUnavailableError();
    let raw: string | null;
    try {
      raw = await this.redis.getDel(ticketKey(this.prefix, ticket));
    } catch (error) {
      throw new AuthUnavailableError({ cause: error });
    }
    const user: unknown = raw === null ? null : JSON.parse(raw);
    if (!isUser(user)) throw new InvalidCredentialError();
    if (user.expiresAt <= this.now()) throw new ExpiredCredentialError();
    return user;
  }
  // #endregion tickets

  // #region cache
  /** A cache miss, a broken entry and Redis being down all mean "ask the database". */
  private async cacheGet(key: string): Promise<AuthenticatedUser | null> {
    if (!this.redis.isReady) return null;
    try {
      const raw = await this.redis.get(key);
      const value: unknown = raw === null ? null : JSON.parse(raw);
      return isUser(value) ? value : null;
    } catch {
      return null;
    }
  }

  private async cacheSet(key: string, user: AuthenticatedUser, ttlMs: number): Promise<void> {
    if (!this.redis.isReady) return;
    try {
      await this.redis.set(key, JSON.stringify(user), { expiration: { type: 'PX', value: ttlMs } });
    } catch {
      // Caching is an optimisation: the handshake goes on without it.
    }
  }
  // #endregion cache
}
