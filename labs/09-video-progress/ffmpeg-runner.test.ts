// Lab 09, step 3: one ffmpeg run: progress out, output renamed into place only on success, and
// nothing left behind (no partial file, no process) on failure or cancel.
import { chmod, mkdir, readdir, writeFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { say } from '../../tools/testing/say.ts';
import { makeClip, probeStreams, useTempDir } from './fixtures.ts';
import {
  ErrorCode,
  FfmpegFailedError,
  FfmpegMissingError,
  JobCancelledError,
  MediaNotFoundError,
  Operation,
  OutputNotWritableError,
  runOperation,
  type MediaInfo,
  type Progress,
} from './index.ts';

const tmp = useTempDir();
let clip: string;
// The clip's duration as makeClip writes it: this step does not depend on your probe() from step 2.
const media: Pick<MediaInfo, 'durationMs'> = { durationMs: 2000 };

beforeAll(async () => {
  clip = await makeClip(tmp.file('source clip.mp4'), { seconds: 2 });
});

/** A directory of its own per test, so "nothing left behind" can be checked by listing it. */
async function outDir(name: string): Promise<string> {
  const dir = tmp.file(name);
  await mkdir(dir);
  return dir;
}

/** ffmpeg processes started with this test's output dir on their command line (left behind = still listed). */
async function ffmpegProcessesFor(dir: string): Promise<number> {
  let count = 0;
  for (const pid of await readdir('/proc').catch(() => [])) {
    if (!/^\d+$/.test(pid)) continue;
    const cmd = await import('node:fs/promises').then((fs) => fs.readFile(`/proc/${pid}/cmdline`, 'utf8')).catch(() => '');
    if (cmd.startsWith('ffmpeg') && cmd.includes(dir)) count++;
  }
  return count;
}

describe('ffmpeg runner', () => {
  it('transcodes to an H.264 MP4, reporting progress up to a final 100 %', async () => {
    const dir = await outDir('ok');
    const seen: Progress[] = [];

    const result = await runOperation({ operation: Operation.TRANSCODE_480P, input: clip, output: `${dir}/out.mp4`, media, onProgress: (p) => seen.push(p) });

    expect(result.output).toBe(`${dir}/out.mp4`);
    expect(await readdir(dir), 'only the finished file: the temporary file was renamed into place').toEqual(['out.mp4']);
    const out = await probeStreams(result.output);
    expect(out.codecs, 'H.264 video and AAC audio').toEqual(['h264', 'aac']);
    expect(Math.abs(out.durationMs - media.durationMs), 'the output is as long as the input').toBeLessThan(300);
    expect(seen.length, 'onProgress is called for every -progress block').toBeGreaterThan(0);
    expect(seen.at(-1), 'the last block is done, at 100 %').toMatchObject({ done: true, percent: 100 });
    expect(seen.map((p) => p.percent), 'percent never goes backwards').toEqual([...seen.map((p) => p.percent)].sort((a, b) => a - b));
  });

  it('extracts a JPEG thumbnail', async () => {
    const dir = await outDir('thumb');

    await runOperation({ operation: Operation.THUMBNAIL, input: clip, output: `${dir}/thumb.jpg`, media });

    const jpeg = await import('node:fs/promises').then((fs) => fs.readFile(`${dir}/thumb.jpg`));
    expect(jpeg.subarray(0, 3).toString('hex'), 'a JPEG starts with FF D8 FF').toBe('ffd8ff');
  });

  it('on a non-zero exit, rejects with FFMPEG_FAILED carrying the last stderr lines, and leaves no file', async () => {
    const dir = await outDir('broken');
    const broken = tmp.file('broken.mp4');
    await writeFile(broken, 'this is not a video');

    const error = await runOperation({ operation: Operation.TRANSCODE_480P, input: broken, output: `${dir}/out.mp4`, media }).catch((e: unknown) => e);

    expect(error, 'a failed ffmpeg run is FfmpegFailedError').toBeInstanceOf(FfmpegFailedError);
    expect((error as FfmpegFailedError).code).toBe(ErrorCode.FFMPEG_FAILED);
    expect((error as FfmpegFailedError).stderrTail, 'the error carries what ffmpeg said on stderr').toMatch(/invalid data|moov atom|error/i);
    expect(await readdir(dir), 'no output and no .part file after a failure').toEqual([]);
  });

  it('cancels through the AbortSignal: ffmpeg exits, JOB_CANCELLED, no file, no process left', async () => {
    const dir = await outDir('cancel');
    const controller = new AbortController();
    const long = await makeClip(tmp.file('long.mp4'), { seconds: 20 });

    const run = runOperation({
      operation: Operation.TRANSCODE_480P,
      input: long,
      output: `${dir}/out.mp4`,
      media: { durationMs: 20_000 },
      readrate: 1, // real time: 20 s unless the signal stops it
      signal: controller.signal,
      onProgress: () => controller.abort('user cancelled'),
    });
    const error = await run.catch((e: unknown) => e);

    expect(error, 'an aborted run rejects with JobCancelledError').toBeInstanceOf(JobCancelledError);
    expect((error as JobCancelledError).code).toBe(ErrorCode.JOB_CANCELLED);
    expect(await readdir(dir), 'the partial output is deleted').toEqual([]);
    expect(await ffmpegProcessesFor(dir), 'no ffmpeg process is left running').toBe(0);
  });

  it('does not start ffmpeg at all when the signal is already aborted', async () => {
    const dir = await outDir('pre-cancelled');

    const error = await runOperation({ operation: Operation.TRANSCODE_480P, input: clip, output: `${dir}/out.mp4`, media, signal: AbortSignal.abort() }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(JobCancelledError);
    expect(await readdir(dir)).toEqual([]);
  });

  it('gives MEDIA_NOT_FOUND for a missing input and OUTPUT_NOT_WRITABLE, with the reason, for a directory it cannot write', async () => {
    const dir = await outDir('not-writable');
    const aFile = `${dir}/a-file`;
    await writeFile(aFile, 'not a directory');

    const missingInput = await runOperation({ operation: Operation.THUMBNAIL, input: tmp.file('gone.mp4'), output: `${dir}/x.jpg`, media }).catch((e: unknown) => e);
    const missingDir = await runOperation({ operation: Operation.THUMBNAIL, input: clip, output: tmp.file('no/such/dir/x.jpg'), media }).catch((e: unknown) => e);
    // A "directory" that is a regular file: ENOTDIR even for root, who can write into any directory.
    const fileAsDir = await runOperation({ operation: Operation.THUMBNAIL, input: clip, output: `${aFile}/x.jpg`, media }).catch((e: unknown) => e);

    expect(missingInput, say({ en: '🚨 ffmpeg-runner.ts (step 3): a missing input is MediaNotFoundError, before ffmpeg runs', ko: '🚨 ffmpeg-runner.ts (3단계): 없는 입력은 ffmpeg를 돌리기 전에 MediaNotFoundError입니다' })).toBeInstanceOf(MediaNotFoundError);
    expect(missingDir, say({ en: '🚨 ffmpeg-runner.ts (step 3): a missing output directory is OutputNotWritableError: create the temporary file up front', ko: '🚨 ffmpeg-runner.ts (3단계): 없는 출력 디렉터리는 OutputNotWritableError입니다. 임시 파일을 먼저 만드세요' })).toBeInstanceOf(OutputNotWritableError);
    expect(fileAsDir, say({ en: '🚨 ffmpeg-runner.ts (step 3): an output "directory" that is a file is OutputNotWritableError (pass the failed open as `cause`)', ko: '🚨 ffmpeg-runner.ts (3단계): 파일인 출력 "디렉터리"는 OutputNotWritableError입니다(실패한 open을 `cause`로 넘기세요)' })).toBeInstanceOf(OutputNotWritableError);
    expect([(missingDir as OutputNotWritableError).code, (fileAsDir as OutputNotWritableError).code]).toEqual([ErrorCode.OUTPUT_NOT_WRITABLE, ErrorCode.OUTPUT_NOT_WRITABLE]);
    expect((missingDir as Error).message, say({ en: '🚨 the message says why: pass the error of the failed open as `{ cause }`', ko: '🚨 메시지가 이유를 말해야 합니다. 실패한 open의 오류를 `{ cause }`로 넘기세요' })).toMatch(/does not exist \(ENOENT\)/);
    expect((fileAsDir as Error).message).toMatch(/is a file, not a directory \(ENOTDIR\)/);
    expect(await readdir(dir), say({ en: '🚨 nothing is written when the output cannot be', ko: '🚨 출력을 쓸 수 없으면 아무것도 쓰지 않아야 합니다' })).toEqual(['a-file']);
  });

  it.skipIf(process.getuid?.() === 0)('gives OUTPUT_NOT_WRITABLE for a read-only directory (not as root: root writes anywhere; the ENOTDIR case above runs everywhere)', async () => {
    const readOnly = await outDir('read-only');
    await chmod(readOnly, 0o555);

    const notWritable = await runOperation({ operation: Operation.THUMBNAIL, input: clip, output: `${readOnly}/x.jpg`, media }).catch((e: unknown) => e);
    await chmod(readOnly, 0o755);

    expect(notWritable, say({ en: '🚨 ffmpeg-runner.ts (step 3): a read-only output directory is OutputNotWritableError', ko: '🚨 ffmpeg-runner.ts (3단계): 읽기 전용 출력 디렉터리는 OutputNotWritableError입니다' })).toBeInstanceOf(OutputNotWritableError);
    expect((notWritable as Error).message).toMatch(/permission denied \(EACCES\)/);
  });

  it('says how to install ffmpeg when it is not on PATH, and leaves no file', async () => {
    const dir = await outDir('no-ffmpeg');

    const error = await runOperation({ operation: Operation.THUMBNAIL, input: clip, output: `${dir}/x.jpg`, media, ffmpegPath: 'ffmpeg-that-does-not-exist' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(FfmpegMissingError);
    expect((error as Error).message).toMatch(/apt-get install -y ffmpeg/);
    expect(await readdir(dir)).toEqual([]);
  });
});
