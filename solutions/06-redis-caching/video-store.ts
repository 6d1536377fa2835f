// Video metadata, read through the cache. Updates are *write-through*: the database first, then
// the new value goes straight into the cache, so the next read is a hit. Deletes invalidate.
import type { Cache } from './cache.ts';
import type { CacheKeys } from './keys.ts';
import type { CachedVideo, VideoUpdate } from './records.ts';
import type { VideoSource } from './sources.ts';

// #region video-store
export class VideoStore {
  constructor(
    readonly cache: Cache<CachedVideo>,
    readonly keys: CacheKeys,
    readonly source: VideoSource,
  ) {}

  get(id: number): Promise<CachedVideo | null> {
    return this.cache.get(this.keys.video(id), () => this.source.findById(id));
  }

  async update(id: number, data: VideoUpdate): Promise<CachedVideo> {
    const video = await this.source.update(id, data);
    await this.cache.set(this.keys.video(id), video);
    return video;
  }

  async delete(id: number): Promise<void> {
    await this.source.delete(id);
    await this.cache.invalidate(this.keys.video(id));
  }
}
// #endregion video-store
