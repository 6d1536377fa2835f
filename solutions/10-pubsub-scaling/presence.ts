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
    if (this.held.add(`user:${userId}`, connectionId)) void this.write(this.keys.user(userId), `${userId}@${this.options.instanceId}`);
  }

  disconnected(userId: number, connectionId: string): void {
    if (this.held.remove(`user:${userId}`, connectionId)) void this.erase(this.keys.user(userId), `${userId}@${this.options.instanceId}`);
  }

  entered(room: string, userId: number, connectionId: string): void {
    if (this.held.add(`room:${room}|${userId}`, connectionId)) void this.write(this.keys.room(room), `${userId}@${this.options.instanceId}`);
  }

  left(room: string, userId: number, connectionId: string): void {
    if (this.held.remove(`room:${room}|${userId}`, connectionId)) void this.erase(this.keys.room(room), `${userId}@${this.options.instanceId}`);
  }

  /** Re-writes every entry this instance holds with a new expiry (the heartbeat). */
  async refresh(): Promise<void> {
    const held = this.held.keys();
    if (held.length === 0) return;
    const expires = this.now() + this.ttlMs;
    const multi = this.options.redis.multi();
    for (const entry of held) {
      const [key, userId] = this.locate(entry);
      multi.zAdd(key, { score: expires, value: `${userId}@${this.options.instanceId}` });
      multi.pExpire(key, this.ttlMs * 2);
    }
    await multi.exec().catch((error: unknown) => this.options.onError?.(error, 'presence refresh'));
  }
  // #endregion write

  // #region read
  /** User ids in `room` on any instance, ascending. */
  async online(room: string): Promise<number[]> {
    return this.usersIn(this.keys.room(room));
  }

  /** Whether `userId` has a socket on any instance. */
  async isOnline(userId: number): Promise<boolean> {
    return (await this.options.redis.zCount(this.keys.user(userId), this.now(), '+inf')) > 0;
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
