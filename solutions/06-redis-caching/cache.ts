// A read-through cache in front of the database that survives stampedes and outages.
//
//   get(key, load)
//     ▼
//   GET ──hit──▶ value (and, when the entry's expiresAt is near, one background refresh)
//     │ miss (concurrent gets of one key in this process share what follows: single-flight)
//     ▼
//   SET lock NX PX ──got it──▶ load() from the database ─▶ SET value PX ttl±jitter, if we still
//     │ someone else has it                                   hold the lock ─▶ unlock
//     ▼
//   wait for their value (bounded), then load() ourselves if it never comes (and store nothing)
//
// The lock is also a lease: invalidate() and set() delete it with the entry, so a read that loaded
// the row before a concurrent update committed cannot store that old row after the update.
//
// Any Redis failure (not connected, error, no answer within `redisTimeoutMs`) is counted and the
// request is served from the database: the cache can make requests faster, never fail them.
import type { z } from 'zod';
import type { RedisClient } from '../../solutions/05-redis-structures/index.ts';
import { decodeEntry, encodeEntry, entrySchema, type Entry, type FoundEntry } from './entry.ts';
import { boundedRedis, withDeadline } from './deadline.ts';
import { RedisTimeoutError } from './errors.ts';
import { lockKeyFor } from './keys.ts';
import { acquireLock, releaseLock, setIfLockHeld } from './redis-lock.ts';
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
  /** The clock, in epoch ms: entries store their expiry by it, and refresh-ahead reads them by it. @default Date.now */
  now?: () => number;
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
  readonly #entry: z.ZodType<FoundEntry<T>>;
  readonly #ttlMs: number;
  readonly #jitter: number;
  readonly #negativeTtlMs: number;
  readonly #refreshBelow: number;
  readonly #lockTtlMs: number;
  readonly #lockWaitMs: number;
  readonly #redisTimeoutMs: number;
  readonly #logger: CacheLogger;
  readonly #random: () => number;
  readonly #now: () => number;

  readonly #flights = new SingleFlight<Outcome<T>>();
  readonly #refreshing = new Map<string, Promise<void>>();
  /** Keys whose invalidation (or write-through) failed: Redis may still hold an old value. */
  readonly #stale = new Set<string>();
  readonly #stats: CacheStats = { hits: 0, misses: 0, fallbacks: 0, loads: 0, refreshes: 0, refreshFailures: 0, lockWaits: 0, errors: 0 };
  #closed = false;
  readonly #timedOut = () => new RedisTimeoutError(this.#redisTimeoutMs);

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
    this.#now = options.now ?? Date.now;
  }

  // #region get
  /** The value for `key`: from Redis if it is there, otherwise from `load` (null = does not exist). */
  async get(key: string, load: () => Promise<T | null>): Promise<T | null> {
    // The fast path, inline (it runs on every hit): one GET, bounded; one decode. A hit needs no
    // single-flight (concurrent hits are one round trip each anyway); only what is not a clean hit
    // (a miss, an unreadable entry, a stale key to delete first, Redis failing) is shared per key.
    if (this.#stale.size === 0 && this.#client.isReady) {
      let text: string | null;
      try {
        text = await withDeadline(this.#client.get(key), this.#redisTimeoutMs, this.#timedOut);
      } catch (error) {
        // Redis failed or is hung: serve from the database at once (shared per key), never wait twice.
        this.#redisFailed(error, key);
        return this.#served(await this.#flights.do(key, async () => ({ value: await this.#load(load), served: Served.FALLBACK })));
      }
      let entry: Entry<T> | null = null;
      try {
        if (text !== null) entry = decodeEntry(text, this.#entry);
      } catch {
        // unreadable: the shared lookup reads it again, logs it and rebuilds it
      }
      if (entry !== null) {
        this.#stats.hits++;
        return this.#hit(key, entry, load);
      }
    }
    return this.#served(await this.#flights.do(key, () => this.#lookup(key, load)));
  }

  /** Counts an outcome for this caller (callers sharing a flight each count theirs) and unwraps it. */
  #served({ value, served }: Outcome<T>): T | null {
    this.#stats[served]++;
    return value;
  }

  /** What a decoded entry serves; an entry near its expiry also starts a background refresh. */
  #hit(key: string, entry: Entry<T>, load: () => Promise<T | null>): T | null {
    if (!entry.found) return null;
    if (shouldRefresh(entry.expiresAt - this.#now(), this.#ttlMs, this.#refreshBelow)) this.#refreshInBackground(key, load);
    return entry.value;
  }

  async #lookup(key: string, load: () => Promise<T | null>): Promise<Outcome<T>> {
    let text: string | null;
    try {
      await this.#forgetStale();
      text = await this.#redis((c) => c.get(key));
    } catch (error) {
      this.#redisFailed(error, key);
      return { value: await this.#load(load), served: Served.FALLBACK };
    }
    const entry = text === null ? null : this.#decode(key, text);
    if (entry === null) return this.#rebuild(key, load);
    return { value: this.#hit(key, entry, load), served: Served.HIT };
  }
  // #endregion get

  // #region rebuild
  /** A miss: rebuild the entry under a short Redis lock, or wait for whoever holds it. */
  async #rebuild(key: string, load: () => Promise<T | null>): Promise<Outcome<T>> {
    const lockKey = lockKeyFor(key);
    let token: string | null;
    try {
      token = await this.#redis((c) => acquireLock(c, lockKey, this.#lockTtlMs));
    } catch (error) {
      this.#redisFailed(error, key);
      return { value: await this.#load(load), served: Served.FALLBACK };
    }
    if (token === null) {
      this.#stats.lockWaits++;
      return this.#waitForRebuild(key, lockKey, load);
    }
    try {
      const value = await this.#load(load);
      await this.#fill(key, value, { lockKey, token });
      return { value, served: Served.MISS };
    } finally {
      await this.#unlock(lockKey, token);
    }
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
      const entry = text === null ? null : this.#decode(key, text);
      if (entry !== null) return { value: entry.found ? entry.value : null, served: Served.MISS };
      if (locked === 0) return this.#rebuild(key, load); // they gave up without a value: take over
    }
    // The holder is too slow: load it ourselves rather than make the request wait any longer. We
    // hold no lease, so we store nothing: an update may commit while we load.
    return { value: await this.#load(load), served: Served.MISS };
  }
  // #endregion rebuild

  // #region refresh
  /** At most one refresh per key in this process; the lock keeps other processes from doubling it. */
  #refreshInBackground(key: string, load: () => Promise<T | null>): void {
    if (this.#closed || this.#refreshing.has(key)) return;
    const refresh = this.#refresh(key, load).finally(() => this.#refreshing.delete(key));
    this.#refreshing.set(key, refresh);
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
    try {
      await this.#fill(key, await this.#load(load), { lockKey, token });
    } catch (error) {
      this.#stats.refreshFailures++;
      this.#logger.warn('cache refresh failed; serving the cached value until it expires', { key, error });
    } finally {
      await this.#unlock(lockKey, token);
    }
  }
  // #endregion refresh

  // #region writes
  /** Write-through: store a value the caller just wrote to the database. */
  async set(key: string, value: T): Promise<void> {
    if (await this.#write(key, value)) this.#stale.delete(key);
    else this.#stale.add(key);
  }

  /** Invalidation: drop the entry, so the next read loads the new value (and void the lease of a read in flight). */
  async invalidate(key: string): Promise<void> {
    try {
      await this.#redis((c) => c.unlink([key, lockKeyFor(key)]));
      this.#stale.delete(key);
    } catch (error) {
      // Redis may come back with the old value in it. Remember the key and delete it before
      // this cache reads anything again, or the old value would be served until it expires.
      this.#stale.add(key);
      this.#redisFailed(error, key);
    }
  }

  /** Deletes every entry whose invalidation failed; throws (and keeps them) while Redis is still away. */
  async #forgetStale(): Promise<void> {
    if (this.#stale.size === 0) return;
    const keys = [...this.#stale];
    await this.#redis((c) => c.unlink(keys.flatMap((key) => [key, lockKeyFor(key)])));
    for (const key of keys) this.#stale.delete(key);
  }

  /** A value's TTL: short for a "not found", jittered for a value. */
  #ttlOf(value: T | null): number {
    return value === null ? this.#negativeTtlMs : jitteredTtlMs(this.#ttlMs, this.#jitter, this.#random);
  }

  /** The entry for `value`, expiring `ttlMs` from now: the same TTL goes into the SET's PX. */
  #encode(value: T | null, ttlMs: number): string {
    return encodeEntry(value, this.#now() + ttlMs);
  }

  /**
   * Write-through: voids any read's lease on the key, then stores the value with its TTL (one
   * MULTI); false if Redis did not take it.
   */
  async #write(key: string, value: T | null): Promise<boolean> {
    try {
      const ttlMs = this.#ttlOf(value);
      await this.#redis((c) => c.multi().unlink(lockKeyFor(key)).set(key, this.#encode(value, ttlMs), { expiration: { type: 'PX', value: ttlMs } }).exec());
      return true;
    } catch (error) {
      this.#redisFailed(error, key);
      return false;
    }
  }

  /** Stores what a load found, only while its lease (the rebuild lock) is still ours; a failure is noted, not thrown. */
  async #fill(key: string, value: T | null, lease: { lockKey: string; token: string }): Promise<void> {
    try {
      const ttlMs = this.#ttlOf(value);
      await this.#redis((c) => setIfLockHeld(c, lease.lockKey, lease.token, key, this.#encode(value, ttlMs), ttlMs));
    } catch (error) {
      this.#redisFailed(error, key);
    }
  }
  // #endregion writes

  // #region redis
  /** Runs one Redis operation, bounded: not connected or no answer in time is a failure, at once. */
  #redis<R>(operation: (client: RedisClient) => Promise<R>): Promise<R> {
    return boundedRedis(this.#client, this.#redisTimeoutMs, operation);
  }
  // #endregion redis

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
