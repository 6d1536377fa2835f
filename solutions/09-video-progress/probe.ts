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

// #region parse
/** MediaInfo from `ffprobe -print_format json -show_format -show_streams` output; InvalidMediaError when it is not a usable video. */
export function parseProbeOutput(stdout: string, sizeBytes: number): MediaInfo {
  let json: ProbeJson;
  try {
    json = JSON.parse(stdout) as ProbeJson;
  } catch (error) {
    throw new InvalidMediaError('ffprobe printed no readable description', { cause: error });
  }
  const streams = Array.isArray(json.streams) ? json.streams : [];
  const video = streams.find((s) => s.codec_type === 'video' && !STILL_IMAGE_CODECS.has(s.codec_name ?? ''));
  if (!video) throw new InvalidMediaError(streams.some((s) => s.codec_type === 'audio') ? 'it has audio but no video stream' : 'it has no video stream');
  if (!video.width || !video.height) throw new InvalidMediaError('its video stream has no picture size');
  // Durations are strings of seconds ("2.000000"), or missing/"N/A" for some streams and formats.
  const seconds = Number(json.format?.duration ?? video.duration);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new InvalidMediaError('its duration is unknown');
  return {
    durationMs: Math.max(1, Math.round(seconds * 1000)),
    width: video.width,
    height: video.height,
    videoCodec: video.codec_name ?? 'unknown',
    hasAudio: streams.some((s) => s.codec_type === 'audio'),
    sizeBytes,
    formatName: json.format?.format_name ?? 'unknown',
  };
}
// #endregion parse

// #region probe
/**
 * Probes `path` with ffprobe. Throws MediaNotFoundError (no such file), InvalidMediaError (empty,
 * truncated, not a video, audio only), FfmpegMissingError (ffprobe not installed) or
 * ProbeTimeoutError. Never runs a shell: the path is one argument, whatever characters it has, and `file:` in front
 * keeps ffprobe from reading a name like `pipe:0` or `http://...` as a protocol.
 */
export async function probe(path: string, options: ProbeOptions = {}): Promise<MediaInfo> {
  const ffprobe = options.ffprobePath ?? 'ffprobe';
  const timeoutMs = options.timeoutMs ?? 10_000;
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new MediaNotFoundError(path);
    size = info.size;
  } catch (error) {
    if (error instanceof MediaNotFoundError) throw error;
    throw new MediaNotFoundError(path, { cause: error });
  }
  if (size === 0) throw new InvalidMediaError('the file is empty');

  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(
      ffprobe,
      ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', '-i', `file:${path}`],
      { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 4 * 1024 * 1024, encoding: 'utf8' },
      (error, out, stderr) => {
        if (!error) return resolve(out);
        const { code, killed } = error as NodeJS.ErrnoException & { killed?: boolean };
        if (code === 'ENOENT') return reject(new FfmpegMissingError(ffprobe, { cause: error }));
        if (killed) return reject(new ProbeTimeoutError(path, timeoutMs));
        reject(new InvalidMediaError(lastLine(stderr) || 'ffprobe could not read it', { cause: error }));
      },
    );
  });
  return parseProbeOutput(stdout, size);
}
// #endregion probe

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  // ffprobe prefixes its messages with the path: keep only the reason after it.
  return (lines.at(-1) ?? '').replace(/^.*?: (?=[A-Z])/, '').trim();
}
