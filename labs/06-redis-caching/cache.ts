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
import { RedisTimeoutError, RedisUnavailableError } from './errors.ts';
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

  /** The value for `key`: from Redis if it is there, otherwise from `load` (null = does not exist). */
  async get(key: string, load: () => Promise<T | null>): Promise<T | null> {
    // TODO: the value for key. Concurrent gets of one key in this process share one lookup
    //       (single-flight.ts), yet each caller counts its own outcome in the stats (a hit, a miss
    //       or a fallback). (Optional, lesson step 7 measures it: a hit may skip single-flight;
    //       if yours does, its Redis wait is still bounded and its entry decoded like any other.)
    throw new Error('TODO: Cache.get in cache.ts');
  }

  /** What a decoded entry serves; an entry near its expiry also starts a background refresh. */
  #hit(key: string, entry: Entry<T>, load: () => Promise<T | null>): T | null {
    // TODO: a cached "not found" serves null. A value serves its value and, when little of its TTL
    //       is left (its expiresAt against this.#now(): the tests move that clock), starts a
    //       background refresh. Trap: the request is answered now, it never waits for the refresh.
    throw new Error('TODO: Cache.#hit in cache.ts');
  }

  async #lookup(key: string, load: () => Promise<T | null>): Promise<Outcome<T>> {
    // TODO: first drop entries whose invalidation failed earlier (#forgetStale), then read the
    //       entry: one GET (it says when it expires, so no PTTL), every Redis call bounded (#redis).
    // TODO: Redis failing or too slow is not the caller's problem: note it and serve from the
    //       database (a fallback). Trap: a failing *load* is the caller's problem, not a Redis
    //       failure: keep it out of the Redis error handling.
    // TODO: no entry, or one that can't be decoded: a miss (#rebuild). A decoded entry is a hit
    //       (#hit; a cached "not found" is a hit too). Trap: Redis is shared, so an entry is only
    //       served once it has passed the schema (#decode).
    throw new Error('TODO: Cache.#lookup in cache.ts');
  }

  /** A miss: rebuild the entry under a short Redis lock, or wait for whoever holds it. */
  async #rebuild(key: string, load: () => Promise<T | null>): Promise<Outcome<T>> {
    // (Step 2: just load, write and return { value, served: Served.MISS }. Step 5 adds the lock.)
    const lockKey = lockKeyFor(key);
    // TODO: only one process rebuilds a key at a time: take the key's lock (redis-lock.ts); if Redis
    //       fails here, fall back as #lookup does.
    // TODO: someone else holds it: count a lock wait and wait for their value (#waitForRebuild).
    // TODO: we hold it: load, store the entry under the lock's lease (#fill), serve it as a miss.
    //       Trap: the lock must be released however the load ends, or every other process waits
    //       until it expires.
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
      // TODO: the holder wrote the entry: serve it (a miss, for this caller). No entry and no lock
      //       any more: the holder gave up, so try to rebuild it ourselves.
    }
    // The holder is too slow: load it ourselves rather than make the request wait any longer. We
    // hold no lease, so we store nothing: an update may commit while we load.
    return { value: await this.#load(load), served: Served.MISS };
  }

  /** At most one refresh per key in this process; the lock keeps other processes from doubling it. */
  #refreshInBackground(key: string, load: () => Promise<T | null>): void {
    // TODO: at most one refresh per key at a time in this process, none after close(), and each
    //       one tracked until it settles, so close() can wait for it. Trap: a refresh per hit turns
    //       a hot key into a stampede of its own.
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
    // TODO: load and store the fresh value under the lock's lease (#fill). A failure is counted and logged as a warning, never
    //       thrown: nobody awaits a background refresh, so a rejection would go unhandled. The lock
    //       is released either way.
    throw new Error('TODO: Cache.#refresh in cache.ts');
  }

  /** Write-through: store a value the caller just wrote to the database. */
  async set(key: string, value: T): Promise<void> {
    // TODO: write the entry. Trap: if Redis did not take it, the old entry may still be there: the
    //       key must be deleted before it is read again (#stale).
    throw new Error('TODO: Cache.set in cache.ts');
  }

  /** Invalidation: drop the entry, so the next read loads the new value. */
  async invalidate(key: string): Promise<void> {
    // TODO: delete the entry AND its lock: the lock is the lease of a read that may have loaded the
    //       row before this update committed; deleting it keeps that read from storing the old row
    //       afterwards (the race of lesson step 5). If Redis is away, remember the key so it is deleted before the next
    //       read (Redis may come back with the old value), and don't throw: the database write the
    //       caller made has already succeeded.
    throw new Error('TODO: Cache.invalidate in cache.ts');
  }

  /** Deletes every entry whose invalidation failed; throws (and keeps them) while Redis is still away. */
  async #forgetStale(): Promise<void> {
    if (this.#stale.size === 0) return;
    // TODO: delete every remembered stale key (and its lock, as invalidate does); forget them only once Redis confirmed it. A failure
    //       throws, so the read that asked falls back instead of serving an old value.
    throw new Error('TODO: Cache.#forgetStale in cache.ts');
  }

  /** A value's TTL: short for a "not found", jittered for a value. */
  #ttlOf(value: T | null): number {
    // TODO: the negative TTL for "not found", a jittered one for a value (so entries written
    //       together don't expire together).
    throw new Error('TODO: Cache.#ttlOf in cache.ts');
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
    // TODO: in one MULTI, delete the key's lock (the lease of a read in flight, which loaded the
    //       row before this write) and store the entry with its TTL (#encode puts the same TTL in
    //       the entry's expiresAt). Report whether Redis took it; a Redis failure is noted, not thrown.
    throw new Error('TODO: Cache.#write in cache.ts');
  }

  /** Stores what a load found, only while its lease (the rebuild lock) is still ours; a failure is noted, not thrown. */
  async #fill(key: string, value: T | null, lease: { lockKey: string; token: string }): Promise<void> {
    // TODO: store the entry (#encode) with its TTL through setIfLockHeld (redis-lock.ts). Not
    //       stored (the lease was voided by an update) is fine: the next read loads the new row.
    throw new Error('TODO: Cache.#fill in cache.ts');
  }

  /** Runs one Redis operation, bounded: not connected or no answer in time is a failure, at once. */
  async #redis<R>(operation: (client: RedisClient) => Promise<R>): Promise<R> {
    // TODO: a client that is not ready (reconnecting, closed) fails at once with
    //       RedisUnavailableError, without sending anything; an answer that takes longer than
    //       redisTimeoutMs fails with RedisTimeoutError. Trap: a timer left running after the
    //       answer keeps the process alive (deadline.ts has the race, ready to use).
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
