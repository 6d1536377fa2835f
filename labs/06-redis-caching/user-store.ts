// Users, read through the cache. Writes go to the database first, then *invalidate* the entry:
// the next read loads the new row. (Deleting is safer than writing the new value into the cache
// when two writers race: see the lesson.)
import type { Cache } from './cache.ts';
import type { CacheKeys } from './keys.ts';
import type { CachedUser, UserUpdate } from './records.ts';
import type { UserSource } from './sources.ts';

export class UserStore {
  constructor(
    readonly cache: Cache<CachedUser>,
    readonly keys: CacheKeys,
    readonly source: UserSource,
  ) {}

  get(id: number): Promise<CachedUser | null> {
    // TODO: this.cache.get(the user's key, a loader that calls this.source.findById(id))
    throw new Error('TODO: UserStore.get in user-store.ts');
  }

  async update(id: number, data: UserUpdate): Promise<CachedUser> {
    // TODO: write to the database first (this.source.update), then invalidate the user's key, then return the user
    throw new Error('TODO: UserStore.update in user-store.ts');
  }

  async delete(id: number): Promise<void> {
    // TODO: delete in the database, then invalidate the user's key
    throw new Error('TODO: UserStore.delete in user-store.ts');
  }
}
