// One class per way a video job can fail, each with a fixed message shape and a machine-readable
// `code`. The API turns the media ones into 4xx answers; the worker decides from the class whether
// a retry can help (a transient FfmpegFailedError) or not (bad media, a missing tool, a cancel).

export const ErrorCode = {
  /** The file is not a video we can read: empty, truncated, not media at all, or audio only. */
  INVALID_MEDIA: 'INVALID_MEDIA',
  /** The input path does not exist (or is not a file). */
  MEDIA_NOT_FOUND: 'MEDIA_NOT_FOUND',
  /** ffmpeg or ffprobe is not installed (not on PATH): a set-up problem, not a job problem. */
  FFMPEG_MISSING: 'FFMPEG_MISSING',
  /** ffprobe did not answer within its deadline. */
  PROBE_TIMEOUT: 'PROBE_TIMEOUT',
  /** ffmpeg exited with a non-zero status; the message carries the last lines it wrote to stderr. */
  FFMPEG_FAILED: 'FFMPEG_FAILED',
  /** The output's directory does not exist or cannot be written. */
  OUTPUT_NOT_WRITABLE: 'OUTPUT_NOT_WRITABLE',
  /** The job was cancelled (its AbortSignal fired) before it finished. */
  JOB_CANCELLED: 'JOB_CANCELLED',
  /** The jobs row does not exist (deleted, or a wrong id). */
  JOB_NOT_FOUND: 'JOB_NOT_FOUND',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Bad media: retrying cannot help. `reason` says what is wrong in words a user can act on. */
export class InvalidMediaError extends Error {
  readonly code = ErrorCode.INVALID_MEDIA;
  constructor(
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`Not a usable video: ${reason}`, options);
    this.name = 'InvalidMediaError';
  }
}

/** The source file is gone. The message becomes the job's error, which its owner reads: `path` stays off it (a server path), for the log only. */
export class MediaNotFoundError extends Error {
  readonly code = ErrorCode.MEDIA_NOT_FOUND;
  constructor(
    readonly path: string,
    options?: ErrorOptions,
  ) {
    super("The video's source file is missing", options);
    this.name = 'MediaNotFoundError';
  }
}

/** The message names the install command: this is the first thing a new machine runs into. */
export class FfmpegMissingError extends Error {
  readonly code = ErrorCode.FFMPEG_MISSING;
  constructor(
    readonly tool: string,
    options?: ErrorOptions,
  ) {
    super(
      `${tool} was not found on PATH. Install ffmpeg (it brings ffprobe): \`apt-get install -y ffmpeg\` (Debian/Ubuntu), \`brew install ffmpeg\` (macOS), \`winget install ffmpeg\` (Windows).`,
      options,
    );
    this.name = 'FfmpegMissingError';
  }
}

export class ProbeTimeoutError extends Error {
  readonly code = ErrorCode.PROBE_TIMEOUT;
  constructor(
    readonly path: string,
    readonly timeoutMs: number,
  ) {
    super(`ffprobe did not finish within ${timeoutMs} ms on ${path}`);
    this.name = 'ProbeTimeoutError';
  }
}

/** ffmpeg exited non-zero. `stderrTail` is the end of what it wrote: the reason is almost always there. */
export class FfmpegFailedError extends Error {
  readonly code = ErrorCode.FFMPEG_FAILED;
  constructor(
    readonly exitCode: number | null,
    readonly signal: NodeJS.Signals | null,
    readonly stderrTail: string,
  ) {
    super(`ffmpeg exited with ${exitCode ?? signal}: ${stderrTail || '(no output on stderr)'}`);
    this.name = 'FfmpegFailedError';
  }
}

/** Why a directory cannot take the output, from the errno of the failed create (the `cause`). */
const NOT_WRITABLE_BECAUSE: Record<string, string> = {
  ENOENT: 'it does not exist',
  ENOTDIR: 'a part of the path is a file, not a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
};

export class OutputNotWritableError extends Error {
  readonly code = ErrorCode.OUTPUT_NOT_WRITABLE;
  constructor(
    readonly directory: string,
    options?: ErrorOptions,
  ) {
    const errno = (options?.cause as NodeJS.ErrnoException | undefined)?.code;
    const why = (errno && NOT_WRITABLE_BECAUSE[errno]) ?? 'it is missing or not writable';
    super(`Cannot write the output into ${directory}: ${why}${errno ? ` (${errno})` : ''}`, options);
    this.name = 'OutputNotWritableError';
  }
}

export class JobCancelledError extends Error {
  readonly code = ErrorCode.JOB_CANCELLED;
  constructor(readonly reason: string = 'cancelled') {
    super(`The job was cancelled: ${reason}`);
    this.name = 'JobCancelledError';
  }
}

export class JobRowNotFoundError extends Error {
  readonly code = ErrorCode.JOB_NOT_FOUND;
  constructor(readonly jobId: number) {
    super(`There is no jobs row ${jobId}`);
    this.name = 'JobRowNotFoundError';
  }
}

/**
 * Errors no retry can fix: the worker fails the job at once (BullMQ's UnrecoverableError).
 * OutputNotWritableError is not one of them: a disk that was full or a mount that was missing
 * can be back by the next attempt.
 */
export function isPermanent(error: unknown): boolean {
  return (
    error instanceof InvalidMediaError ||
    error instanceof MediaNotFoundError ||
    error instanceof FfmpegMissingError ||
    error instanceof JobCancelledError ||
    error instanceof JobRowNotFoundError
  );
}
