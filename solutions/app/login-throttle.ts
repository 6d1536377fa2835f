// Login attempts that did not succeed, counted in Redis three ways, each counter in a fixed window
// that starts with its first attempt and expires with it (OWASP Authentication Cheat Sheet, "Login
// Throttling" / "Account Lockout": lock the attacker, not the account):
//   - per (account, address): tight (5). A stranger guessing eve@x.dev's password locks only
//     himself out of her account; Eve, from her own address, still signs in.
//   - per address: 50 failures, whatever the accounts (one address spraying many accounts).
//   - per account from every address: much higher (500), so it takes a botnet, not one stranger,
//     to lock an account, and a slow distributed guess at one password is still bounded.
// Past a limit, login answers 429 with Retry-After until the window ends: guessing passwords costs
// the attacker time, not us CPU (a refused attempt never runs scrypt).
//
// The account is the normalised email *as typed*, whether or not a user has it: an unknown email
// is counted and locked like a real one, and a locked attempt gets the same 429 with the right
// password as with a wrong one, so the answers never tell which emails exist or which password is right.
// Redis unreachable or silent: logins get 503 login_unavailable (a security control fails closed;
// signed-in users are not affected, their sessions are checked in PostgreSQL).
import { createHash } from 'node:crypto';
import { boundedRedis } from '../06-redis-caching/index.ts';
import type { RedisClient } from '../05-redis-structures/index.ts';
import { LoginUnavailableError, TooManyLoginsError } from './errors.ts';

export interface LoginThrottleOptions {
  /** Failed logins for one email from one address within `windowMs` before that pair is locked. @default 5 */
  maxFailuresPerAccountAndIp?: number;
  /** Failed logins for one email from all addresses together within `windowMs` before the email is locked. @default 500 */
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
  pair: `${prefix}login:fail:pair:${digest(`${email}\n${ip}`)}`,
  account: `${prefix}login:fail:account:${digest(email)}`,
  ip: `${prefix}login:fail:ip:${digest(ip)}`,
});

export class LoginThrottle {
  readonly #redis: RedisClient;
  readonly #prefix: string;
  readonly #maxPair: number;
  readonly #maxAccount: number;
  readonly #maxIp: number;
  readonly #windowMs: number;
  readonly #timeoutMs: number;

  constructor(redis: RedisClient, prefix: string, options: LoginThrottleOptions = {}) {
    this.#redis = redis;
    this.#prefix = prefix;
    this.#maxPair = options.maxFailuresPerAccountAndIp ?? 5;
    this.#maxAccount = options.maxFailuresPerAccount ?? 500;
    this.#maxIp = options.maxFailuresPerIp ?? 50;
    this.#windowMs = options.windowMs ?? 15 * 60 * 1000;
    this.#timeoutMs = options.redisTimeoutMs ?? 1000;
  }

  // #region attempt
  /**
   * Counts one login attempt for the (account, address) pair, the address and the account, then
   * throws TooManyLoginsError (429, Retry-After in whole seconds) if any of them is past its limit.
   * Counting first (INCR is atomic) means a burst of parallel guesses cannot all slip past a check
   * made before any of them was counted. Call before the password check.
   */
  async attempt(email: string, ip: string): Promise<void> {
    const keys = loginFailureKeys(this.#prefix, email, ip);
    const window = { condition: 'NX', expiration: { type: 'PX', value: this.#windowMs } } as const;
    const counters = [
      { key: keys.pair, max: this.#maxPair },
      { key: keys.ip, max: this.#maxIp },
      { key: keys.account, max: this.#maxAccount },
    ];
    const replies = await this.#call((c) => {
      const tx = c.multi();
      for (const { key } of counters) tx.set(key, '0', window).incr(key).pTTL(key);
      return tx.exec();
    });
    const waits = counters.flatMap(({ max }, i) => (Number(replies[i * 3 + 1]) > max ? [Number(replies[i * 3 + 2])] : []));
    if (waits.length > 0) throw new TooManyLoginsError(Math.max(1, Math.ceil(Math.max(...waits) / 1000)));
  }
  // #endregion attempt

  /**
   * The password was right: this pair's failures are forgotten, and this attempt no longer counts
   * against the address (one address, many honest users behind a NAT) or the account (a stranger's
   * failures elsewhere are not wiped by the owner signing in). If a window ended between attempt and
   * success, DECR makes a new key at -1: PEXPIRE NX gives it the window, so no counter outlives it.
   */
  async succeeded(email: string, ip: string): Promise<void> {
    const keys = loginFailureKeys(this.#prefix, email, ip);
    await this.#call((c) =>
      c.multi().del(keys.pair).decr(keys.ip).pExpire(keys.ip, this.#windowMs, 'NX').decr(keys.account).pExpire(keys.account, this.#windowMs, 'NX').exec(),
    );
  }

  async #call<R>(operation: (client: RedisClient) => Promise<R>): Promise<R> {
    try {
      return await boundedRedis(this.#redis, this.#timeoutMs, operation);
    } catch (error) {
      throw new LoginUnavailableError({ cause: error });
    }
  }
}
