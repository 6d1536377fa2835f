// Runs one ffmpeg operation as a child process: the I/O edge around the pure parser and presets.
//
//   input ──ffmpeg──▶ .job-7.mp4.<random>.part ──rename on exit 0──▶ job-7.mp4
//              │ stdout: -progress blocks ──ProgressParser──▶ onProgress(percent, eta)
//              │ stderr: kept as the last few lines, for the error message
//              └ AbortSignal ──▶ SIGTERM, then SIGKILL after a grace period
//
// The output appears only when ffmpeg succeeded: readers never see half a file, and a failed or
// cancelled run leaves nothing behind.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { FfmpegFailedError, FfmpegMissingError, JobCancelledError, MediaNotFoundError, OutputNotWritableError } from './errors.ts';
import { ffmpegArgs, type Operation, workDurationMs } from './presets.ts';
import type { MediaInfo } from './probe.ts';
import { type Progress, ProgressParser } from './progress-parser.ts';

export interface RunOptions {
  operation: Operation;
  input: string;
  /** Where the finished file goes. Its directory must exist and be writable. */
  output: string;
  /** The input's probed metadata: its duration is what percent is measured against. */
  media: Pick<MediaInfo, 'durationMs'>;
  /** Called for every progress block, in order, the final one (`done: true`) included. Must not throw. */
  onProgress?: (progress: Progress) => void;
  /** Aborting it stops ffmpeg; the run then rejects with JobCancelledError. */
  signal?: AbortSignal;
  /** @default 'ffmpeg' (from PATH) */
  ffmpegPath?: string;
  /** After SIGTERM, wait this long for ffmpeg to exit before SIGKILL. @default 2000 */
  killGraceMs?: number;
  /** ffmpeg `-readrate`: 1 paces the run at the video's own speed (demos, tests). @default unpaced */
  readrate?: number;
}

export interface RunResult {
  output: string;
  sizeBytes: number;
  elapsedMs: number;
}

/** How many stderr lines an FfmpegFailedError carries. */
export const STDERR_TAIL_LINES = 8;

/**
 * Runs the operation to completion. Rejects with MediaNotFoundError, OutputNotWritableError,
 * FfmpegMissingError, FfmpegFailedError (non-zero exit, with stderr's last lines) or
 * JobCancelledError; in every one of those cases no output and no temporary file is left, and
 * the ffmpeg process has exited.
 */
export async function runOperation(options: RunOptions): Promise<RunResult> {
  // TODO: an already-aborted signal: JobCancelledError before anything runs.
  // TODO: a missing input is MediaNotFoundError; write into a temporary file next to options.output
  //       (same directory, so the final rename is atomic) and create it up front: failing to create it
  //       is OutputNotWritableError (a missing or read-only directory), known before ffmpeg starts.
  // TODO: spawn ffmpeg (options.ffmpegPath ?? 'ffmpeg') with '-hide_banner -nostdin -y -loglevel error
  //       -progress pipe:1 -nostats' followed by ffmpegArgs(...) from presets.ts (pass options.readrate).
  //       stdout goes through a ProgressParser (duration: workDurationMs) to onProgress; keep the last
  //       STDERR_TAIL_LINES lines of stderr for the error.
  // TODO: wait for 'close' (not 'exit': stdout may still hold the last block). Spawn ENOENT is
  //       FfmpegMissingError; an aborted signal is JobCancelledError; a non-zero code is FfmpegFailedError.
  // TODO: on abort: SIGTERM, then SIGKILL after options.killGraceMs ?? 2000 if ffmpeg is still there.
  //       Remove the abort listener and clear the timer when the process is gone.
  // TODO: success renames the temporary file onto options.output; every failure deletes it.
  throw new Error('not implemented: runOperation in labs/09-video-progress/ffmpeg-runner.ts');
}
