// What each operation asks of ffmpeg. Pure: an operation and two paths in, an argument array out.
// Arguments are an array handed to spawn (never a shell string), so a file name with spaces,
// quotes or `$(...)` is just a file name; `file:` in front of each path stops ffmpeg from reading a
// name such as `pipe:1` or `http:x` as a protocol.
import type { MediaInfo } from './probe.ts';

export const Operation = {
  /** H.264 video + AAC audio in an MP4, at most 480 lines tall (never upscaled). */
  TRANSCODE_480P: 'transcode-480p',
  /** The same at most 720 lines tall. */
  TRANSCODE_720P: 'transcode-720p',
  /** One JPEG frame from the middle of the video, at most 360 lines tall. */
  THUMBNAIL: 'thumbnail',
} as const;
export type Operation = (typeof Operation)[keyof typeof Operation];

export const OPERATIONS: readonly Operation[] = Object.values(Operation);

export function isOperation(value: unknown): value is Operation {
  return typeof value === 'string' && (OPERATIONS as readonly string[]).includes(value);
}

/** The output file's extension, with the dot. */
export function outputExtension(operation: Operation): '.mp4' | '.jpg' {
  return operation === Operation.THUMBNAIL ? '.jpg' : '.mp4';
}

/** How much media time the operation writes: what its progress percent is measured against. */
export function workDurationMs(operation: Operation, media: Pick<MediaInfo, 'durationMs'>): number {
  return operation === Operation.THUMBNAIL ? 0 : media.durationMs;
}

export interface PresetOptions {
  /** Read the input at this multiple of its native rate (ffmpeg `-readrate`): 1 paces a job like live video. @default unpaced */
  readrate?: number;
}

// #region args
/**
 * ffmpeg's arguments for one operation, without the progress flags (the runner adds those).
 * `output` is written with an explicit format (`-f`), so it may have any extension (the runner
 * writes to a temporary `.part` file first).
 */
export function ffmpegArgs(operation: Operation, input: string, output: string, media: Pick<MediaInfo, 'durationMs'>, options: PresetOptions = {}): string[] {
  const pace = options.readrate ? ['-readrate', String(options.readrate)] : [];
  switch (operation) {
    case Operation.TRANSCODE_480P:
    case Operation.TRANSCODE_720P: {
      const lines = operation === Operation.TRANSCODE_480P ? 480 : 720;
      return [
        ...pace,
        '-i', `file:${input}`,
        // -2 keeps the aspect ratio with an even width (H.264 needs even sizes); min() never upscales.
        '-vf', `scale=-2:'min(${lines},ih)'`,
        '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '26', '-pix_fmt', 'yuv420p',
        '-c:a', 'aac', '-b:a', '128k',
        '-movflags', '+faststart', // the index at the front: a browser can play it while it downloads
        '-f', 'mp4', `file:${output}`,
      ];
    }
    case Operation.THUMBNAIL:
      return [
        '-ss', String(Math.max(0, media.durationMs / 2000)), // seek before -i: fast, by keyframe
        '-i', `file:${input}`,
        '-frames:v', '1',
        '-vf', "scale=-2:'min(360,ih)'",
        '-f', 'mjpeg', `file:${output}`,
      ];
  }
}
// #endregion args
