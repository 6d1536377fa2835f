// Who is online, across every instance, with an expiry: each instance writes its own users into
// sorted sets (score = when the entry expires) and refreshes them every `ttlMs / 3`. An instance
// that dies without saying goodbye (SIGKILL, a pulled cable) stops refreshing, and its users drop
// out within `ttlMs`. Readers ignore (and remove) entries whose score is in the past.
//
// Members are `<userId>@<instanceId>`: two instances holding the same user are two entries, so one
// of them leaving does not hide the other. Scores come from each instance's clock: keep clocks in
// sync (NTP) or the expiry is off by their difference.
import type { RedisClientType } from 'redis';
import { Interest } from './interest.ts';
import { presenceKeys } from './streams.ts';

export interface PresenceOptions {
  redis: Pick<RedisClientType, 'zAdd' | 'zRem' | 'zRangeByScore' | 'zRemRangeByScore' | 'zCount' | 'pExpire' | 'multi'>;
  prefix: string;
  /** This instance, unique in the cluster (e.g. a random id chosen at start). */
  instanceId: string;
  /** An entry not refreshed for this long no longer counts. @default 15_000 */
  ttlMs?: number;
  /** @default Date.now */
  now?: () => number;
  /** @default nothing */
  onError?: (error: unknown, where: string) => void;
}

export class Presence {
  private readonly keys: ReturnType<typeof presenceKeys>;
  private readonly ttlMs: number;
  private readonly now: () => number;
  /** `room:<room>|<userId>` or `user:<userId>` -> local connection ids holding it. */
  private readonly held = new Interest();
  private readonly timer: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly options: PresenceOptions) {
    this.keys = presenceKeys(options.prefix);
    this.ttlMs = options.ttlMs ?? 15_000;
    this.now = options.now ?? Date.now;
    this.timer = setInterval(() => void this.refresh(), Math.max(50, Math.floor(this.ttlMs / 3)));
    this.timer.unref();
  }

  // #region write
  connected(userId: number, connectionId: string): void {
  // TODO: the user's first local socket (this.held.add('user:<id>', ...) is true) -> write the user's entry `<userId>@<instanceId>`.
  throw new Error('Not implemented yet: Presence.connected (labs/10-pubsub-scaling/presence.ts)');
}

  disconnected(userId: number, connectionId: string): void {
  // TODO: the user's last local socket -> erase the entry (other instances keep theirs).
  throw new Error('Not implemented yet: Presence.disconnected (labs/10-pubsub-scaling/presence.ts)');
}

  entered(room: string, userId: number, connectionId: string): void {
  // TODO: like connected(), per room: key `room:<room>|<userId>` in this.held, entry in keys.room(room).
  throw new Error('Not implemented yet: Presence.entered (labs/10-pubsub-scaling/presence.ts)');
}

  left(room: string, userId: number, connectionId: string): void {
  // TODO: like disconnected(), per room.
  throw new Error('Not implemented yet: Presence.left (labs/10-pubsub-scaling/presence.ts)');
}

  /** Re-writes every entry this instance holds with a new expiry (the heartbeat). */
  async refresh(): Promise<void> {
  // TODO: re-ZADD every entry this instance holds with score now + ttlMs (one MULTI), and PEXPIRE the sets.
  // Trap: this is the heartbeat. Without it a live instance's users vanish after ttlMs; with it a dead one's stay only ttlMs.
  throw new Error('Not implemented yet: Presence.refresh (labs/10-pubsub-scaling/presence.ts)');
}
  // #endregion write

  // #region read
  /** User ids in `room` on any instance, ascending. */
  async online(room: string): Promise<number[]> {
  // TODO: the user ids of the room's entries whose score (expiry) is not past, unique, ascending.
  // ZREMRANGEBYSCORE the expired ones away first; a member is `<userId>@<instanceId>`.
  throw new Error('Not implemented yet: Presence.online (labs/10-pubsub-scaling/presence.ts)');
}

  /** Whether `userId` has a socket on any instance. */
  async isOnline(userId: number): Promise<boolean> {
  // TODO: true when the user's set has an entry whose expiry is not past (ZCOUNT now..+inf).
  throw new Error('Not implemented yet: Presence.isOnline (labs/10-pubsub-scaling/presence.ts)');
}

  private async usersIn(key: string): Promise<number[]> {
    const now = this.now();
    await this.options.redis.zRemRangeByScore(key, '-inf', `(${now}`);
    const members = await this.options.redis.zRangeByScore(key, now, '+inf');
    return [...new Set(members.map((m) => Number(m.slice(0, m.indexOf('@')))))].sort((a, b) => a - b);
  }
  // #endregion read

  private locate(entry: string): [string, number] {
    if (entry.startsWith('user:')) {
      const userId = Number(entry.slice('user:'.length));
      return [this.keys.user(userId), userId];
    }
    const bar = entry.lastIndexOf('|');
    return [this.keys.room(entry.slice('room:'.length, bar)), Number(entry.slice(bar + 1))];
  }

  private async write(key: string, member: string): Promise<void> {
    const multi = this.options.redis.multi();
    multi.zAdd(key, { score: this.now() + this.ttlMs, value: member });
    multi.pExpire(key, this.ttlMs * 2);
    await multi.exec().catch((error: unknown) => this.options.onError?.(error, 'presence write'));
  }

  private async erase(key: string, member: string): Promise<void> {
    await this.options.redis.zRem(key, member).catch((error: unknown) => this.options.onError?.(error, 'presence erase'));
  }

  /** Stops refreshing and removes this instance's entries (best effort: they expire anyway). Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    await Promise.all(
      this.held.keys().map((entry) => {
        const [key, userId] = this.locate(entry);
        return this.erase(key, `${userId}@${this.options.instanceId}`);
      }),
    );
  }
}
