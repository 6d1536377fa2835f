// Users, read through the cache. Writes go to the database first, then *invalidate* the entry:
// the next read loads the new row. (Deleting is safer than writing the new value into the cache
// when two writers race: see the lesson.)
import type { Cache } from './cache.ts';
import type { CacheKeys } from './keys.ts';
import type { CachedUser, UserUpdate } from './records.ts';
import type { UserSource } from './sources.ts';

// #region user-store
export class UserStore {
  constructor(
    readonly cache: Cache<CachedUser>,
    readonly keys: CacheKeys,
    readonly source: UserSource,
  ) {}

  get(id: number): Promise<CachedUser | null> {
    return this.cache.get(this.keys.user(id), () => this.source.findById(id));
  }

  async update(id: number, data: UserUpdate): Promise<CachedUser> {
    const user = await this.source.update(id, data);
    await this.cache.invalidate(this.keys.user(id));
    return user;
  }

  async delete(id: number): Promise<void> {
    await this.source.delete(id);
    await this.cache.invalidate(this.keys.user(id));
  }
}
// #endregion user-store
