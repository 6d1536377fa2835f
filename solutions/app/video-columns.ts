// What a probe puts in a `videos` row: one mapping for the upload route and the demo's media (demo-media.ts).
import type { MediaInfo } from '../09-video-progress/index.ts';

/** The `videos` columns filled from ffprobe's answer (duration in ms, size in px and bytes) and its metadata JSON. */
export function videoColumnsOf(media: MediaInfo) {
  return {
    durationMs: media.durationMs,
    width: media.width,
    height: media.height,
    codec: media.videoCodec,
    sizeBytes: BigInt(media.sizeBytes),
    metadata: { hasAudio: media.hasAudio, format: media.formatName },
  };
}
