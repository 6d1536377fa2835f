// Video metadata, read through the cache. Updates are *write-through*: the database first, then
// the new value goes straight into the cache, so the next read is a hit. Deletes invalidate.
import type { Cache } from './cache.ts';
import type { CacheKeys } from './keys.ts';
import type { CachedVideo, VideoUpdate } from './records.ts';
import type { VideoSource } from './sources.ts';

export class VideoStore {
  constructor(
    readonly cache: Cache<CachedVideo>,
    readonly keys: CacheKeys,
    readonly source: VideoSource,
  ) {}

  get(id: number): Promise<CachedVideo | null> {
    // TODO: the video through the cache; the database is read only on a miss.
    throw new Error('TODO: VideoStore.get in video-store.ts');
  }

  async update(id: number, data: VideoUpdate): Promise<CachedVideo> {
    // TODO: write-through: update the video and put the stored result in the cache, so the next read
    //       is a hit with the new value. Trap: cache what the database returned, not the input.
    throw new Error('TODO: VideoStore.update in video-store.ts');
  }

  async delete(id: number): Promise<void> {
    // TODO: delete the video, and the cache entry with it (database first).
    throw new Error('TODO: VideoStore.delete in video-store.ts');
  }
}
