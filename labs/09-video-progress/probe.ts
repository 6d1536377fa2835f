// What a media file is, asked of ffprobe: duration, size, codecs. The I/O edge is `probe()`;
// `parseProbeOutput()` is pure and turns ffprobe's JSON into MediaInfo or a typed error.
import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { FfmpegMissingError, InvalidMediaError, MediaNotFoundError, ProbeTimeoutError } from './errors.ts';

/** What the rest of the system needs to know about a video. */
export interface MediaInfo {
  /** Rounded to whole milliseconds; always > 0. */
  durationMs: number;
  width: number;
  height: number;
  /** ffprobe's codec_name of the first video stream, e.g. `h264`. */
  videoCodec: string;
  hasAudio: boolean;
  /** The file's size on disk. */
  sizeBytes: number;
  /** ffprobe's format_name, e.g. `mov,mp4,m4a,3gp,3g2,mj2`. */
  formatName: string;
}

export interface ProbeOptions {
  /** @default 'ffprobe' (from PATH) */
  ffprobePath?: string;
  /** Kill ffprobe after this long. @default 10000 */
  timeoutMs?: number;
}

// Image formats ffprobe reads as a one-frame "video": not something to transcode.
const STILL_IMAGE_CODECS = new Set(['png', 'mjpeg', 'bmp', 'gif', 'webp', 'tiff']);

interface ProbeStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  duration?: string;
}
interface ProbeJson {
  streams?: ProbeStream[];
  format?: { duration?: string; format_name?: string };
}

/** MediaInfo from `ffprobe -print_format json -show_format -show_streams` output; InvalidMediaError when it is not a usable video. */
export function parseProbeOutput(stdout: string, sizeBytes: number): MediaInfo {
  // TODO: stdout is ffprobe's JSON (ProbeJson above); output that does not parse is InvalidMediaError, not a SyntaxError.
  // TODO: the first stream with codec_type 'video' whose codec is not a still image (STILL_IMAGE_CODECS);
  //       none (an audio-only file, a text file) is InvalidMediaError.
  // TODO: durations are strings of SECONDS ("2.000000") and may be missing or "N/A": format.duration
  //       first, then the stream's; not a positive number means InvalidMediaError. Return milliseconds.
  throw new Error('not implemented: parseProbeOutput in labs/09-video-progress/probe.ts');
}

/**
 * Probes `path` with ffprobe. Throws MediaNotFoundError (no such file), InvalidMediaError (empty,
 * truncated, not a video, audio only), FfmpegMissingError (ffprobe not installed) or
 * ProbeTimeoutError. Never runs a shell: the path is one argument, whatever characters it has, and `file:` in front
 * keeps ffprobe from reading a name like `pipe:0` or `http://...` as a protocol.
 */
export async function probe(path: string, options: ProbeOptions = {}): Promise<MediaInfo> {
  // TODO: stat the file first: missing (or not a file) is MediaNotFoundError; 0 bytes is InvalidMediaError.
  // TODO: run ffprobe with execFile and an argument ARRAY (never a shell string: file names have spaces,
  //       quotes and $), '-v error -print_format json -show_format -show_streams', and a timeout
  //       (options.timeoutMs ?? 10000, killed with SIGKILL).
  // TODO: map failures: spawn ENOENT means ffprobe is not installed (FfmpegMissingError), a killed
  //       process is ProbeTimeoutError, any other non-zero exit is InvalidMediaError. Then parseProbeOutput.
  throw new Error('not implemented: probe in labs/09-video-progress/probe.ts');
}

/** The reason at the end of ffprobe's stderr, without the path it starts with (for InvalidMediaError). */
function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  // ffprobe prefixes its messages with the path: keep only the reason after it.
  return (lines.at(-1) ?? '').replace(/^.*?: (?=[A-Z])/, '').trim();
}
