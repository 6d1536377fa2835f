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

/** A failure message in the learner's language, naming the file and the lesson step. */
const hint = (en: string, ko: string) => say({ en: `🚨 ffmpeg-runner.ts (step 3): ${en}`, ko: `🚨 ffmpeg-runner.ts (3단계): ${ko}` });

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

    const result = await runOperation({
      operation: Operation.TRANSCODE_480P,
      input: clip,
      output: `${dir}/out.mp4`,
      media,
      onProgress: (p) => seen.push(p),
    });

    expect(result.output, hint('the result names the output', '결과에 출력 경로가 있어야 합니다')).toBe(`${dir}/out.mp4`);
    expect(
      await readdir(dir),
      hint(
        'only the finished file: rename the temporary file into place on success',
        '끝난 파일만 있어야 합니다: 성공하면 임시 파일을 제자리로 rename하세요',
      ),
    ).toEqual(['out.mp4']);
    const out = await probeStreams(result.output);
    expect(
      out.codecs,
      hint('H.264 video and AAC audio: use ffmpegArgs from presets.ts', 'H.264 영상과 AAC 오디오: presets.ts의 ffmpegArgs를 쓰세요'),
    ).toEqual(['h264', 'aac']);
    expect(
      Math.abs(out.durationMs - media.durationMs),
      hint('the output is as long as the input', '출력은 입력만큼 길어야 합니다'),
    ).toBeLessThan(300);
    expect(
      seen.length,
      hint(
        'onProgress is called for every -progress block: stdout goes through a ProgressParser',
        'onProgress는 -progress 블록마다 불립니다: stdout을 ProgressParser에 넣으세요',
      ),
    ).toBeGreaterThan(0);
    expect(
      seen.at(-1),
      hint(
        "the last block is done, at 100 %: wait for 'close', not 'exit'",
        "마지막 블록은 done, 100 %: 'exit'이 아니라 'close'를 기다리세요",
      ),
    ).toMatchObject({ done: true, percent: 100 });
    expect(
      seen.map((p) => p.percent),
      hint('percent never goes backwards', '퍼센트는 뒤로 가지 않습니다'),
    ).toEqual([...seen.map((p) => p.percent)].sort((a, b) => a - b));
  });

  it('extracts a JPEG thumbnail', async () => {
    const dir = await outDir('thumb');

    await runOperation({ operation: Operation.THUMBNAIL, input: clip, output: `${dir}/thumb.jpg`, media });

    const jpeg = await import('node:fs/promises').then((fs) => fs.readFile(`${dir}/thumb.jpg`));
    expect(
      jpeg.subarray(0, 3).toString('hex'),
      hint('a thumbnail is a JPEG (it starts with FF D8 FF)', '썸네일은 JPEG입니다(FF D8 FF로 시작)'),
    ).toBe('ffd8ff');
  });

  it('on a non-zero exit, rejects with FFMPEG_FAILED carrying the last stderr lines, and leaves no file', async () => {
    const dir = await outDir('broken');
    const broken = tmp.file('broken.mp4');
    await writeFile(broken, 'this is not a video');

    const error = await runOperation({ operation: Operation.TRANSCODE_480P, input: broken, output: `${dir}/out.mp4`, media }).catch(
      (e: unknown) => e,
    );

    expect(error, hint('a non-zero exit is FfmpegFailedError', '0이 아닌 종료는 FfmpegFailedError입니다')).toBeInstanceOf(
      FfmpegFailedError,
    );
    expect((error as FfmpegFailedError).code, hint('its code is FFMPEG_FAILED', '코드는 FFMPEG_FAILED입니다')).toBe(
      ErrorCode.FFMPEG_FAILED,
    );
    expect(
      (error as FfmpegFailedError).stderrTail,
      hint('the error carries the last lines ffmpeg wrote to stderr', '오류에 ffmpeg가 stderr에 쓴 마지막 줄들이 있어야 합니다'),
    ).toMatch(/invalid data|moov atom|error/i);
    expect(
      await readdir(dir),
      hint(
        'no output and no .part file after a failure: rm the temporary file in the catch',
        '실패 뒤에는 출력도 .part 파일도 없어야 합니다: catch에서 임시 파일을 rm 하세요',
      ),
    ).toEqual([]);
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

    expect(
      error,
      hint(
        'an aborted run rejects with JobCancelledError (check signal.aborted on close)',
        '중단된 실행은 JobCancelledError로 거부됩니다(close에서 signal.aborted 확인)',
      ),
    ).toBeInstanceOf(JobCancelledError);
    expect((error as JobCancelledError).code, hint('its code is JOB_CANCELLED', '코드는 JOB_CANCELLED입니다')).toBe(
      ErrorCode.JOB_CANCELLED,
    );
    expect(await readdir(dir), hint('the partial output is deleted', '부분 출력은 지워져야 합니다')).toEqual([]);
    expect(
      await ffmpegProcessesFor(dir),
      hint(
        'no ffmpeg process is left running: SIGTERM on abort, SIGKILL after the grace period',
        '도는 ffmpeg 프로세스가 남지 않아야 합니다: 중단 시 SIGTERM, 유예 뒤 SIGKILL',
      ),
    ).toBe(0);
  });

  it('does not start ffmpeg at all when the signal is already aborted', async () => {
    const dir = await outDir('pre-cancelled');

    const error = await runOperation({
      operation: Operation.TRANSCODE_480P,
      input: clip,
      output: `${dir}/out.mp4`,
      media,
      signal: AbortSignal.abort(),
    }).catch((e: unknown) => e);

    expect(
      error,
      hint('an already-aborted signal: JobCancelledError before anything runs', '이미 중단된 신호: 아무것도 돌리기 전에 JobCancelledError'),
    ).toBeInstanceOf(JobCancelledError);
    expect(await readdir(dir), hint('no file: not even the temporary one', '파일이 없어야 합니다: 임시 파일도')).toEqual([]);
  });

  it('gives MEDIA_NOT_FOUND for a missing input and OUTPUT_NOT_WRITABLE, with the reason, for a directory it cannot write', async () => {
    const dir = await outDir('not-writable');
    const aFile = `${dir}/a-file`;
    await writeFile(aFile, 'not a directory');

    const missingInput = await runOperation({
      operation: Operation.THUMBNAIL,
      input: tmp.file('gone.mp4'),
      output: `${dir}/x.jpg`,
      media,
    }).catch((e: unknown) => e);
    const missingDir = await runOperation({
      operation: Operation.THUMBNAIL,
      input: clip,
      output: tmp.file('no/such/dir/x.jpg'),
      media,
    }).catch((e: unknown) => e);
    // A "directory" that is a regular file: ENOTDIR even for root, who can write into any directory.
    const fileAsDir = await runOperation({ operation: Operation.THUMBNAIL, input: clip, output: `${aFile}/x.jpg`, media }).catch(
      (e: unknown) => e,
    );

    expect(
      missingInput,
      hint('a missing input is MediaNotFoundError, before ffmpeg runs', '없는 입력은 ffmpeg를 돌리기 전에 MediaNotFoundError입니다'),
    ).toBeInstanceOf(MediaNotFoundError);
    expect(
      missingDir,
      hint(
        'a missing output directory is OutputNotWritableError: create the temporary file up front',
        '없는 출력 디렉터리는 OutputNotWritableError입니다. 임시 파일을 먼저 만드세요',
      ),
    ).toBeInstanceOf(OutputNotWritableError);
    expect(
      fileAsDir,
      hint(
        'an output "directory" that is a file is OutputNotWritableError (pass the failed open as `cause`)',
        '파일인 출력 "디렉터리"는 OutputNotWritableError입니다(실패한 open을 `cause`로 넘기세요)',
      ),
    ).toBeInstanceOf(OutputNotWritableError);
    expect(
      [(missingDir as OutputNotWritableError).code, (fileAsDir as OutputNotWritableError).code],
      hint('its code is OUTPUT_NOT_WRITABLE', '코드는 OUTPUT_NOT_WRITABLE입니다'),
    ).toEqual([ErrorCode.OUTPUT_NOT_WRITABLE, ErrorCode.OUTPUT_NOT_WRITABLE]);
    expect(
      (missingDir as Error).message,
      hint(
        'the message says why: pass the error of the failed open as `{ cause }`',
        '메시지가 이유를 말해야 합니다. 실패한 open의 오류를 `{ cause }`로 넘기세요',
      ),
    ).toMatch(/does not exist \(ENOENT\)/);
    expect(
      (fileAsDir as Error).message,
      hint(
        'the message says why (errors.ts does, given the failed open as `cause`)',
        '메시지가 이유를 말해야 합니다(실패한 open을 `cause`로 주면 errors.ts가 말합니다)',
      ),
    ).toMatch(/is a file, not a directory \(ENOTDIR\)/);
    expect(
      await readdir(dir),
      hint('nothing is written when the output cannot be', '출력을 쓸 수 없으면 아무것도 쓰지 않아야 합니다'),
    ).toEqual(['a-file']);
  });

  it.skipIf(process.getuid?.() === 0)(
    'gives OUTPUT_NOT_WRITABLE for a read-only directory (not as root: root writes anywhere; the ENOTDIR case above runs everywhere)',
    async () => {
      const readOnly = await outDir('read-only');
      await chmod(readOnly, 0o555);

      const notWritable = await runOperation({ operation: Operation.THUMBNAIL, input: clip, output: `${readOnly}/x.jpg`, media }).catch(
        (e: unknown) => e,
      );
      await chmod(readOnly, 0o755);

      expect(
        notWritable,
        hint('a read-only output directory is OutputNotWritableError', '읽기 전용 출력 디렉터리는 OutputNotWritableError입니다'),
      ).toBeInstanceOf(OutputNotWritableError);
      expect(
        (notWritable as Error).message,
        hint(
          'the message says why (errors.ts does, given the failed open as `cause`)',
          '메시지가 이유를 말해야 합니다(실패한 open을 `cause`로 주면 errors.ts가 말합니다)',
        ),
      ).toMatch(/permission denied \(EACCES\)/);
    },
  );

  it('says how to install ffmpeg when it is not on PATH, and leaves no file', async () => {
    const dir = await outDir('no-ffmpeg');

    const error = await runOperation({
      operation: Operation.THUMBNAIL,
      input: clip,
      output: `${dir}/x.jpg`,
      media,
      ffmpegPath: 'ffmpeg-that-does-not-exist',
    }).catch((e: unknown) => e);

    expect(
      error,
      hint("spawn's 'error' event with ENOENT is FfmpegMissingError", "spawn의 ENOENT 'error' 이벤트는 FfmpegMissingError입니다"),
    ).toBeInstanceOf(FfmpegMissingError);
    expect((error as Error).message, hint('the message names the install command', '메시지에 설치 명령이 있어야 합니다')).toMatch(
      /apt-get install -y ffmpeg/,
    );
    expect(await readdir(dir), hint('no file left behind', '남는 파일이 없어야 합니다')).toEqual([]);
  });
});
