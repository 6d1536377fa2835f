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

// #region run
/**
 * Runs the operation to completion. Rejects with MediaNotFoundError, OutputNotWritableError,
 * FfmpegMissingError, FfmpegFailedError (non-zero exit, with stderr's last lines) or
 * JobCancelledError, or with what the progress parser or onProgress threw (ffmpeg is killed); in
 * every one of those cases no output and no temporary file is left, and the ffmpeg process has
 * exited.
 */
export async function runOperation(options: RunOptions): Promise<RunResult> {
  const started = performance.now();
  const { signal } = options;
  if (signal?.aborted) throw new JobCancelledError(reasonOf(signal));
  await assertReadable(options.input);
  const part = path.join(path.dirname(options.output), `.${path.basename(options.output)}.${randomBytes(4).toString('hex')}.part`);
  await claimTemp(part, path.dirname(options.output));
  try {
    await spawnFfmpeg(options, part);
    await rename(part, options.output); // atomic on one filesystem: the output is whole or absent
  } catch (error) {
    await rm(part, { force: true });
    throw error;
  }
  const { size } = await stat(options.output);
  return { output: options.output, sizeBytes: size, elapsedMs: Math.round(performance.now() - started) };
}
// #endregion run

async function assertReadable(input: string): Promise<void> {
  try {
    if (!(await stat(input)).isFile()) throw new MediaNotFoundError(input);
  } catch (error) {
    if (error instanceof MediaNotFoundError) throw error;
    throw new MediaNotFoundError(input, { cause: error });
  }
}

/** Creates the temporary file: the cheapest way to learn that the directory is missing or read-only, before ffmpeg runs. */
async function claimTemp(part: string, directory: string): Promise<void> {
  try {
    await (await open(part, 'wx')).close();
  } catch (error) {
    throw new OutputNotWritableError(directory, { cause: error });
  }
}

// #region spawn
function spawnFfmpeg(options: RunOptions, part: string): Promise<void> {
  const { signal } = options;
  const args = [
    '-hide_banner', '-nostdin', '-y',
    '-loglevel', 'error', // stderr carries errors only: its tail is the reason
    '-progress', 'pipe:1', '-nostats',
    ...ffmpegArgs(options.operation, options.input, part, options.media, { readrate: options.readrate }),
  ];
  const ffmpeg = options.ffmpegPath ?? 'ffmpeg';
  const parser = new ProgressParser(workDurationMs(options.operation, options.media));
  const tail: string[] = [];
  let partial = '';

  return new Promise<void>((resolve, reject) => {
    const child = spawn(ffmpeg, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let killTimer: NodeJS.Timeout | undefined;
    let spawnError: Error | undefined;
    let streamError: unknown;

    const onAbort = () => {
      child.kill('SIGTERM'); // ffmpeg stops cleanly on SIGTERM...
      killTimer = setTimeout(() => child.kill('SIGKILL'), options.killGraceMs ?? 2000); // ...or is made to
    };
    signal?.addEventListener('abort', onAbort, { once: true });

    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      if (streamError) return;
      try {
        for (const progress of parser.push(chunk)) options.onProgress?.(progress);
      } catch (error) {
        // Thrown here it would be an uncaught exception: the worker process would crash with every
        // job it runs. A parser or callback that fails fails this run instead, once ffmpeg is gone.
        streamError = error;
        child.kill('SIGKILL');
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop()!;
      tail.push(...lines.filter((l) => l.trim() !== ''));
      tail.splice(0, Math.max(0, tail.length - STDERR_TAIL_LINES));
    });
    child.once('error', (error: NodeJS.ErrnoException) => {
      spawnError = error.code === 'ENOENT' ? new FfmpegMissingError(ffmpeg, { cause: error }) : error;
    });
    // 'close' comes after 'exit' and after stdout/stderr have ended: every progress block is in.
    child.once('close', (code, killedBy) => {
      signal?.removeEventListener('abort', onAbort);
      clearTimeout(killTimer);
      if (spawnError) return reject(spawnError);
      if (streamError) return reject(streamError);
      if (signal?.aborted) return reject(new JobCancelledError(reasonOf(signal)));
      if (code === 0) return resolve();
      if (partial.trim()) tail.push(partial.trim());
      reject(new FfmpegFailedError(code, killedBy, tail.slice(-STDERR_TAIL_LINES).join('\n')));
    });
  });
}
// #endregion spawn

function reasonOf(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  if (typeof reason === 'string') return reason;
  return reason instanceof Error && reason.name !== 'AbortError' ? reason.message : 'cancelled';
}
