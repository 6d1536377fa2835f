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
    // TODO: the user through the cache; the database is read only on a miss.
    throw new Error('TODO: UserStore.get in user-store.ts');
  }

  async update(id: number, data: UserUpdate): Promise<CachedUser> {
    // TODO: update the user and make sure the next read sees the change. Trap: the order of the
    //       database write and the cache invalidation decides whether a concurrent read can put
    //       the old value back.
    throw new Error('TODO: UserStore.update in user-store.ts');
  }

  async delete(id: number): Promise<void> {
    // TODO: delete the user, and the cache entry with it (in the safe order, as in update).
    throw new Error('TODO: UserStore.delete in user-store.ts');
  }
}
