// Test support for lab 09: tiny real clips made by ffmpeg from its built-in test sources (lavfi),
// in a temporary directory of the test file's own. No media is committed to the repository.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { RedisClientType } from 'redis';
import { afterAll, beforeAll } from 'vitest';
import type { Job } from '../../generated/prisma/client.ts';
import type { PrismaClient } from '../../prisma/client.ts';
import { say } from '../../tools/testing/say.ts';
import { waitFor } from '../../tools/testing/wait.ts';
import { bullJobId } from './job-queue.ts';

const run = promisify(execFile);

export interface ClipOptions {
  /** @default 2 */
  seconds?: number;
  /** @default '160x120' */
  size?: string;
  /** @default true */
  audio?: boolean;
  /** @default 25 */
  rate?: number;
}

/** Writes an H.264/AAC MP4 test pattern (with a sine tone) to `file` and returns its path. */
export async function makeClip(file: string, options: ClipOptions = {}): Promise<string> {
  const seconds = options.seconds ?? 2;
  const inputs = ['-f', 'lavfi', '-i', `testsrc=duration=${seconds}:size=${options.size ?? '160x120'}:rate=${options.rate ?? 25}`];
  if (options.audio ?? true) inputs.push('-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`);
  await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...inputs, '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', '-f', 'mp4', `file:${file}`]);
  return file;
}

/** The codecs (in stream order) and duration of a file, read with ffprobe here rather than with the lab's probe(). */
export async function probeStreams(file: string): Promise<{ codecs: string[]; durationMs: number }> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', '-i', `file:${file}`]);
  const json = JSON.parse(stdout) as { streams: Array<{ codec_name: string }>; format: { duration: string } };
  return { codecs: json.streams.map((s) => s.codec_name), durationMs: Math.round(Number(json.format.duration) * 1000) };
}

/** An audio-only M4A file: a real media file with no video stream. */
export async function makeAudioOnly(file: string, seconds = 1): Promise<string> {
  await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `sine=duration=${seconds}`, '-c:a', 'aac', '-f', 'mp4', `file:${file}`]);
  return file;
}

/** A file that starts like the clip but is cut off after `bytes` bytes (a broken upload). */
export async function makeTruncated(file: string, from: Buffer, bytes = 600): Promise<string> {
  await writeFile(file, from.subarray(0, bytes));
  return file;
}

/** A fresh temporary directory for this test file, removed after its last test. */
export function useTempDir(prefix = 'lab09-'): { readonly path: string; file(name: string): string } {
  let dir: string | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), prefix));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  const get = () => {
    if (!dir) throw new Error('the temp dir exists only inside tests and hooks');
    return dir;
  };
  return {
    get path() {
      return get();
    },
    file: (name) => path.join(get(), name),
  };
}

/** ffmpeg's -progress output for a run, as one string (block after block). */
export function progressText(blocks: Array<Record<string, string | number>>): string {
  return blocks.map((b) => `${Object.entries(b).map(([k, v]) => `${k}=${v}`).join('\n')}\n`).join('');
}

/** A user, project, video and `pending` job row of their own (the jobs table needs all of them). */
export async function createJobRow(prisma: PrismaClient, kind = 'transcode-480p'): Promise<{ jobId: number; ownerId: number }> {
  const suffix = Math.random().toString(36).slice(2, 10);
  const user = await prisma.user.create({ data: { email: `lab09-${suffix}@example.test`, name: 'Lab 09', passwordHash: 'x' } });
  const project = await prisma.project.create({ data: { ownerId: user.id, name: `p-${suffix}` } });
  const video = await prisma.video.create({ data: { projectId: project.id, title: 'clip', sourcePath: `media/${suffix}.mp4` } });
  const job = await prisma.job.create({ data: { videoId: video.id, ownerId: user.id, kind } });
  return { jobId: job.id, ownerId: user.id };
}

/** Where a test watches a job: its row in PostgreSQL and its BullMQ hash in Redis. */
export interface JobWatch {
  prisma: PrismaClient;
  /** A client on the Redis that holds the queue. */
  redis: Pick<RedisClientType, 'hmGet'>;
  /** The queue's prefix and name, as given to VideoQueue. */
  prefix: string;
  name: string;
}

/**
 * Polls the job's row until `until(row)` holds; fails with `message` after `timeoutMs`. It stops
 * at once, with BullMQ's reason, when waiting cannot help any more: BullMQ finished the job (it
 * failed for good, or completed) and the row still does not hold, or an attempt failed with a
 * "not implemented" error (a starter file). So a broken worker or store fails the test in a poll,
 * not at the deadline. BullMQ's hash is read before the row: a worker writes the row before it
 * hands the job back to BullMQ, so a finished hash with a row that does not hold is no race.
 */
export async function waitForJob(
  watch: JobWatch,
  jobId: number,
  until: (row: Job) => boolean,
  options: { timeoutMs: number; message: string },
): Promise<Job> {
  const key = `${watch.prefix}:${watch.name}:${bullJobId(jobId)}`;
  const seen = await waitFor(async () => {
    const [finishedOn, failedReason] = await watch.redis.hmGet(key, ['finishedOn', 'failedReason']);
    const row = await watch.prisma.job.findUniqueOrThrow({ where: { id: jobId } });
    if (until(row)) return { row, stuck: undefined };
    if (finishedOn || /not implemented/i.test(failedReason ?? '')) return { row, stuck: failedReason || 'completed' };
    return null;
  }, options);
  if (seen.stuck === undefined) return seen.row;
  throw new Error(
    `${options.message}\n${say({
      en: `BullMQ is done with the job (row: ${seen.row.status}, ${seen.row.progress} %), so waiting cannot help. Its last failure: ${seen.stuck}`,
      ko: `BullMQ가 이 작업을 끝냈으니(행: ${seen.row.status}, ${seen.row.progress} %) 더 기다려도 소용없습니다. 마지막 실패: ${seen.stuck}`,
    })}`,
  );
}

/** A row in a final state: completed, failed or cancelled. */
export const isFinished = (row: Job) => ['completed', 'failed', 'cancelled'].includes(row.status);
