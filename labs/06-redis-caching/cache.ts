// A read-through cache in front of the database that survives stampedes and outages.
//
//   get(key, load)
//     │ single-flight: concurrent gets of one key in this process share one lookup
//     ▼
//   GET + PTTL ──hit──▶ value (and, when the TTL is nearly spent, one background refresh)
//     │ miss
//     ▼
//   SET lock NX PX ──got it──▶ load() from the database ─▶ SET value PX ttl±jitter ─▶ unlock
//     │ someone else has it
//     ▼
//   wait for their value (bounded), then load() ourselves if it never comes
//
// Any Redis failure (not connected, error, no answer within `redisTimeoutMs`) is counted and the
// request is served from the database: the cache can make requests faster, never fail them.
import type { z } from 'zod';
import type { RedisClient } from '../../solutions/05-redis-structures/index.ts';
import { decodeEntry, encodeEntry, entrySchema, type Entry } from './entry.ts';
import { RedisTimeoutError, RedisUnavailableError } from './errors.ts';
import { lockKeyFor } from './keys.ts';
import { acquireLock, releaseLock } from './redis-lock.ts';
import { SingleFlight } from './single-flight.ts';
import { jitteredTtlMs, shouldRefresh } from './ttl.ts';

export interface CacheLogger {
  warn(message: string, details: Record<string, unknown>): void;
}

export interface CacheOptions<T> {
  /** Validates what comes back from Redis and revives its dates and bigints. */
  schema: z.ZodType<T>;
  /** TTL of a cached value, before jitter. @default 3600 */
  ttlSeconds?: number;
  /** Each value's TTL is spread by up to ±this fraction. @default 0.1 */
  jitter?: number;
  /** TTL of a cached "not found". Short: the row may be created any moment. @default 30 */
  negativeTtlSeconds?: number;
  /** Refresh in the background once less than this fraction of `ttlSeconds` is left; 0 turns it off. @default 0.2 */
  refreshBelow?: number;
  /** How long a rebuild lock lives if its holder never releases it. @default 2000 */
  lockTtlMs?: number;
  /** How long a request waits for another process's rebuild before loading by itself. @default lockTtlMs */
  lockWaitMs?: number;
  /** The longest the cache waits for any Redis reply before it serves from the database. @default 250 */
  redisTimeoutMs?: number;
  /** Where failed refreshes and Redis errors are reported. @default console */
  logger?: CacheLogger;
  /** Source of randomness for the TTL jitter. @default Math.random */
  random?: () => number;
}

/** Counters since the cache was created. Every `get` counts once as a hit, a miss or a fallback. */
export interface CacheStats {
  /** Served from Redis (a cached "not found" too). */
  hits: number;
  /** Not in Redis: served by a load (ours, a shared in-process one, or another process's rebuild). */
  misses: number;
  /** Served from the database because Redis was unavailable, failed or too slow. */
  fallbacks: number;
  /** Calls to the loader (database reads), refreshes included. */
  loads: number;
  /** Background refreshes started. */
  refreshes: number;
  /** Background refreshes whose load or write failed (logged; the cached value kept being served). */
  refreshFailures: number;
  /** Lookups that found another process rebuilding the entry and waited for it. */
  lockWaits: number;
  /** Redis operations that failed, timed out, or were skipped because the client was not ready. */
  errors: number;
}

const Served = { HIT: 'hits', MISS: 'misses', FALLBACK: 'fallbacks' } as const;
type Served = (typeof Served)[keyof typeof Served];
interface Outcome<T> {
  value: T | null;
  served: Served;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class Cache<T> {
  readonly #client: RedisClient;
  readonly #entry: z.ZodType<Entry<T>>;
  readonly #ttlMs: number;
  readonly #jitter: number;
  readonly #negativeTtlMs: number;
  readonly #refreshBelow: number;
  readonly #lockTtlMs: number;
  readonly #lockWaitMs: number;
  readonly #redisTimeoutMs: number;
  readonly #logger: CacheLogger;
  readonly #random: () => number;

  readonly #flights = new SingleFlight<Outcome<T>>();
  readonly #refreshing = new Map<string, Promise<void>>();
  /** Keys whose invalidation (or write-through) failed: Redis may still hold an old value. */
  readonly #stale = new Set<string>();
  readonly #stats: CacheStats = { hits: 0, misses: 0, fallbacks: 0, loads: 0, refreshes: 0, refreshFailures: 0, lockWaits: 0, errors: 0 };
  #closed = false;

  constructor(client: RedisClient, options: CacheOptions<T>) {
    this.#client = client;
    this.#entry = entrySchema(options.schema);
    this.#ttlMs = (options.ttlSeconds ?? 3600) * 1000;
    this.#jitter = options.jitter ?? 0.1;
    this.#negativeTtlMs = (options.negativeTtlSeconds ?? 30) * 1000;
    this.#refreshBelow = options.refreshBelow ?? 0.2;
    this.#lockTtlMs = options.lockTtlMs ?? 2000;
    this.#lockWaitMs = options.lockWaitMs ?? this.#lockTtlMs;
    this.#redisTimeoutMs = options.redisTimeoutMs ?? 250;
    this.#logger = options.logger ?? console;
    this.#random = options.random ?? Math.random;
  }

  /** The value for `key`: from Redis if it is there, otherwise from `load` (null = does not exist). */
  async get(key: string, load: () => Promise<T | null>): Promise<T | null> {
    // TODO: run this.#lookup(key, load) through this.#flights.do(key, ...) so concurrent gets share one lookup
    // TODO: count the outcome for *this* caller: this.#stats[served]++ (hits, misses or fallbacks)
    // TODO: return the value
    throw new Error('TODO: Cache.get in cache.ts');
  }

  async #lookup(key: string, load: () => Promise<T | null>): Promise<Outcome<T>> {
    // TODO: in a try block: await this.#forgetStale(), then read the entry and its remaining TTL in one round trip:
    //       await this.#redis((c) => Promise.all([c.get(key), c.pTTL(key)]))
    // TODO: catch: this.#redisFailed(error, key), then serve { value: await this.#load(load), served: Served.FALLBACK }
    //       (only the Redis calls go in the try: a failing load must reach the caller, not count as a Redis error)
    // TODO: no text, or text this.#decode() can't read: return this.#rebuild(key, load)
    // TODO: a found entry with shouldRefresh(remainingMs, this.#ttlMs, this.#refreshBelow): this.#refreshInBackground(key, load)
    // TODO: return { value: entry.found ? entry.value : null, served: Served.HIT }
    throw new Error('TODO: Cache.#lookup in cache.ts');
  }

  /** A miss: rebuild the entry under a short Redis lock, or wait for whoever holds it. */
  async #rebuild(key: string, load: () => Promise<T | null>): Promise<Outcome<T>> {
    // (Step 2: just load, write and return { value, served: Served.MISS }. Step 5 adds the lock.)
    const lockKey = lockKeyFor(key);
    // TODO: token = await this.#redis((c) => acquireLock(c, lockKey, this.#lockTtlMs)); a Redis failure falls back like in #lookup
    // TODO: no token: someone else is rebuilding. Count this.#stats.lockWaits++ and return this.#waitForRebuild(key, lockKey, load)
    // TODO: got it: in a try block, load, this.#write(key, value), return { value, served: Served.MISS }
    // TODO: finally (success or failure): await this.#unlock(lockKey, token)
    throw new Error('TODO: Cache.#rebuild in cache.ts');
  }

  /** Another process is loading this entry: poll for its value until the lock wait runs out. */
  async #waitForRebuild(key: string, lockKey: string, load: () => Promise<T | null>): Promise<Outcome<T>> {
    const deadline = Date.now() + this.#lockWaitMs;
    for (let delay = 10; Date.now() < deadline; delay = Math.min(delay * 2, 100)) {
      await sleep(Math.min(delay, Math.max(0, deadline - Date.now())));
      let text: string | null;
      let locked: number;
      try {
        [text, locked] = await this.#redis((c) => Promise.all([c.get(key), c.exists(lockKey)]));
      } catch (error) {
        this.#redisFailed(error, key);
        return { value: await this.#load(load), served: Served.FALLBACK };
      }
      // TODO: an entry appeared (decode it like #lookup does): return its value, served: Served.MISS
      // TODO: no entry and the lock is gone (locked === 0): the holder gave up. Return this.#rebuild(key, load)
    }
    // The holder is too slow: load it ourselves rather than make the request wait any longer.
    const value = await this.#load(load);
    await this.#write(key, value);
    return { value, served: Served.MISS };
  }

  /** At most one refresh per key in this process; the lock keeps other processes from doubling it. */
  #refreshInBackground(key: string, load: () => Promise<T | null>): void {
    // TODO: do nothing once closed, or when this.#refreshing already has a refresh for key
    // TODO: start this.#refresh(key, load), and delete the key from this.#refreshing when it settles (.finally)
    // TODO: store that promise in this.#refreshing under key (close() waits for these)
    throw new Error('TODO: Cache.#refreshInBackground in cache.ts');
  }

  /** Never rejects: a failed refresh is logged, and the cached value is served until it expires. */
  async #refresh(key: string, load: () => Promise<T | null>): Promise<void> {
    const lockKey = lockKeyFor(key);
    let token: string | null;
    try {
      token = await this.#redis((c) => acquireLock(c, lockKey, this.#lockTtlMs));
    } catch (error) {
      this.#redisFailed(error, key);
      return;
    }
    if (token === null) return; // another process is refreshing it
    this.#stats.refreshes++;
    // TODO: try: load and this.#write(key, ...) the fresh value
    // TODO: catch: count this.#stats.refreshFailures++ and this.#logger.warn('cache refresh failed; ...', { key, error })
    //       never rethrow: nobody awaits a background refresh, so a rejection would be unhandled
    // TODO: finally: await this.#unlock(lockKey, token)
    throw new Error('TODO: Cache.#refresh in cache.ts');
  }

  /** Write-through: store a value the caller just wrote to the database. */
  async set(key: string, value: T): Promise<void> {
    // TODO: this.#write(key, value); if Redis took it the key is fresh (this.#stale.delete), otherwise this.#stale.add(key)
    throw new Error('TODO: Cache.set in cache.ts');
  }

  /** Invalidation: drop the entry, so the next read loads the new value. */
  async invalidate(key: string): Promise<void> {
    // TODO: try: await this.#redis((c) => c.unlink(key)), then this.#stale.delete(key)
    // TODO: catch: Redis may come back with the old value in it. this.#stale.add(key) (so #forgetStale deletes it
    //       before the next read), and this.#redisFailed(error, key). Don't rethrow: the database write succeeded.
    throw new Error('TODO: Cache.invalidate in cache.ts');
  }

  /** Deletes every entry whose invalidation failed; throws (and keeps them) while Redis is still away. */
  async #forgetStale(): Promise<void> {
    if (this.#stale.size === 0) return;
    // TODO: copy the stale keys, UNLINK them all through this.#redis (let a failure throw), then remove them from this.#stale
    throw new Error('TODO: Cache.#forgetStale in cache.ts');
  }

  /** Stores a value (or a "not found") with its TTL; false if Redis did not take it. */
  async #write(key: string, value: T | null): Promise<boolean> {
    // TODO: the TTL: this.#negativeTtlMs for a "not found" (null), jitteredTtlMs(this.#ttlMs, this.#jitter, this.#random) otherwise
    // TODO: SET key encodeEntry(value) with { expiration: { type: 'PX', value: ttlMs } } through this.#redis, and return true
    // TODO: on a Redis failure: this.#redisFailed(error, key) and return false
    throw new Error('TODO: Cache.#write in cache.ts');
  }

  /** Runs one Redis operation, bounded: not connected or no answer in time is a failure, at once. */
  async #redis<R>(operation: (client: RedisClient) => Promise<R>): Promise<R> {
    // TODO: if !this.#client.isReady (reconnecting, closed), throw new RedisUnavailableError() without trying
    // TODO: race operation(this.#client) against a timer that rejects with new RedisTimeoutError(this.#redisTimeoutMs)
    // TODO: clear the timer in a finally block, whoever wins (deadline.ts's withDeadline is that race, ready to use)
    return operation(this.#client);
  }

  #redisFailed(error: unknown, key: string): void {
    this.#stats.errors++;
    this.#logger.warn('redis unavailable; using the database', { key, error });
  }

  async #load(load: () => Promise<T | null>): Promise<T | null> {
    this.#stats.loads++;
    return load();
  }

  async #unlock(lockKey: string, token: string): Promise<void> {
    try {
      await this.#redis((c) => releaseLock(c, lockKey, token));
    } catch (error) {
      this.#redisFailed(error, lockKey); // the lock expires on its own
    }
  }

  /** An entry we cannot decode (an old shape, garbage) is treated as missing and rebuilt. */
  #decode(key: string, text: string): Entry<T> | null {
    try {
      return decodeEntry(text, this.#entry);
    } catch (error) {
      this.#logger.warn('unreadable cache entry; rebuilding it', { key, error });
      return null;
    }
  }

  /** A snapshot of the counters. */
  stats(): CacheStats {
    return { ...this.#stats };
  }

  /** Stops starting refreshes and waits for those in flight. Idempotent; the client stays open (it is the caller's). */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#refreshing.values());
  }
}
