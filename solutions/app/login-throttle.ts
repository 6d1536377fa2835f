// Login attempts that did not succeed, counted in Redis per account and per address, each counter
// in a fixed window that starts with its first attempt and expires with it. Past a limit, login answers 429 with
// Retry-After until the window ends: guessing passwords costs the attacker time, not us CPU
// (a refused attempt never runs scrypt).
//
// The account is the normalised email *as typed*, whether or not a user has it: an unknown email
// is counted and locked like a real one, so the answers never tell which emails exist.
// Redis unreachable or silent: logins get 503 login_unavailable (a security control fails closed;
// signed-in users are not affected, their sessions are checked in PostgreSQL).
import { createHash } from 'node:crypto';
import { boundedRedis } from '../06-redis-caching/index.ts';
import type { RedisClient } from '../05-redis-structures/index.ts';
import { LoginUnavailableError, TooManyLoginsError } from './errors.ts';

export interface LoginThrottleOptions {
  /** Failed logins for one email within `windowMs` before it is locked. @default 5 */
  maxFailuresPerAccount?: number;
  /** Failed logins from one IP address within `windowMs` before it is locked. @default 50 */
  maxFailuresPerIp?: number;
  /** How long a counter lives after its first failure. @default 15 minutes */
  windowMs?: number;
  /** Give up on one Redis round trip after this long. @default 1000 */
  redisTimeoutMs?: number;
}

const digest = (value: string) => createHash('sha256').update(value).digest('base64url');

/** Redis keys of the counters: digests, so key names never show an email address. */
export const loginFailureKeys = (prefix: string, email: string, ip: string) => ({
  account: `${prefix}login:fail:account:${digest(email)}`,
  ip: `${prefix}login:fail:ip:${digest(ip)}`,
});

export class LoginThrottle {
  readonly #redis: RedisClient;
  readonly #prefix: string;
  readonly #maxAccount: number;
  readonly #maxIp: number;
  readonly #windowMs: number;
  readonly #timeoutMs: number;

  constructor(redis: RedisClient, prefix: string, options: LoginThrottleOptions = {}) {
    this.#redis = redis;
    this.#prefix = prefix;
    this.#maxAccount = options.maxFailuresPerAccount ?? 5;
    this.#maxIp = options.maxFailuresPerIp ?? 50;
    this.#windowMs = options.windowMs ?? 15 * 60 * 1000;
    this.#timeoutMs = options.redisTimeoutMs ?? 1000;
  }

  // #region attempt
  /**
   * Counts one login attempt for the account and the address, then throws TooManyLoginsError (429)
   * if either is past its limit. Counting first (INCR is atomic) means a burst of parallel guesses
   * cannot all slip past a check made before any of them was counted. Call before the password check.
   */
  async attempt(email: string, ip: string): Promise<void> {
    const keys = loginFailureKeys(this.#prefix, email, ip);
    const window = { condition: 'NX', expiration: { type: 'PX', value: this.#windowMs } } as const;
    const replies = await this.#call((c) =>
      c.multi().set(keys.account, '0', window).incr(keys.account).pTTL(keys.account).set(keys.ip, '0', window).incr(keys.ip).pTTL(keys.ip).exec(),
    );
    const [, account, accountTtl, , fromIp, ipTtl] = replies.map(Number);
    const waits: number[] = [];
    if (account! > this.#maxAccount) waits.push(accountTtl!);
    if (fromIp! > this.#maxIp) waits.push(ipTtl!);
    if (waits.length > 0) throw new TooManyLoginsError(Math.max(1, Math.ceil(Math.max(...waits) / 1000)));
  }
  // #endregion attempt

  /**
   * The password was right: the account's failures are forgotten and this attempt no longer counts
   * against the address (one address, many honest users behind a NAT).
   */
  async succeeded(email: string, ip: string): Promise<void> {
    const keys = loginFailureKeys(this.#prefix, email, ip);
    await this.#call((c) => c.multi().del(keys.account).decr(keys.ip).exec());
  }

  async #call<R>(operation: (client: RedisClient) => Promise<R>): Promise<R> {
    try {
      return await boundedRedis(this.#redis, this.#timeoutMs, operation);
    } catch (error) {
      throw new LoginUnavailableError({ cause: error });
    }
  }
}
