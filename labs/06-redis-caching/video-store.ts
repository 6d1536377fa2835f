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
    // TODO: this.cache.get(the video's key, a loader that calls this.source.findById(id))
    throw new Error('TODO: VideoStore.get in video-store.ts');
  }

  async update(id: number, data: VideoUpdate): Promise<CachedVideo> {
    // TODO: update the database, then write the returned video into the cache with this.cache.set, then return it
    throw new Error('TODO: VideoStore.update in video-store.ts');
  }

  async delete(id: number): Promise<void> {
    // TODO: delete in the database, then invalidate the video's key
    throw new Error('TODO: VideoStore.delete in video-store.ts');
  }
}
