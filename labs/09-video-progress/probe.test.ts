// Lab 09, step 2: ffprobe, asked for typed metadata; every kind of bad file gets a typed error.
import { readFile, writeFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { say } from '../../tools/testing/say.ts';
import { makeAudioOnly, makeClip, makeTruncated, useTempDir } from './fixtures.ts';
import { ErrorCode, FfmpegMissingError, InvalidMediaError, MediaNotFoundError, parseProbeOutput, probe } from './index.ts';

/** A failure message in the learner's language, naming the file and the lesson step. */
const hint = (en: string, ko: string) => say({ en: `🚨 probe.ts (step 2): ${en}`, ko: `🚨 probe.ts (2단계): ${ko}` });

const tmp = useTempDir();
let clip: string;

beforeAll(async () => {
  clip = await makeClip(tmp.file('clip.mp4'), { seconds: 2 });
});

describe('probe', () => {
  it('returns duration in ms, size, codec and audio of a real clip', async () => {
    const info = await probe(clip);

    expect(
      info,
      hint(
        'width, height and videoCodec come from the first video stream, hasAudio from any audio stream',
        'width, height, videoCodec은 첫 영상 스트림에서, hasAudio는 오디오 스트림이 있는지에서 옵니다',
      ),
    ).toMatchObject({ width: 160, height: 120, videoCodec: 'h264', hasAudio: true });
    expect(
      info.durationMs,
      hint(
        'durationMs is in MILLIseconds: ffprobe prints seconds as a string ("2.000000"), so Number(...) * 1000',
        'durationMs는 밀리초입니다. ffprobe는 초를 문자열("2.000000")로 주니 Number(...) * 1000',
      ),
    ).toBeGreaterThanOrEqual(1900);
    expect(info.durationMs, hint('a 2 s clip is about 2000 ms', '2초 클립은 약 2000 ms입니다')).toBeLessThanOrEqual(2200);
    expect(info.sizeBytes, hint('sizeBytes is the file size on disk (stat)', 'sizeBytes는 디스크 위 파일 크기(stat)입니다')).toBe(
      (await readFile(clip)).length,
    );
  });

  it('reads a path with spaces, quotes, $ and non-ASCII characters as one argument (no shell)', async () => {
    const odd = tmp.file(`my "clip" $(echo hi) 'ok' 영상 ü.mp4`);
    await writeFile(odd, await readFile(clip));

    const info = await probe(odd);

    expect(
      info.width,
      hint(
        'pass the path as ONE argument to execFile (no shell, so quotes and $ are just characters)',
        '경로는 execFile에 인자 하나로 넘기세요(셸이 없으니 따옴표와 $는 그냥 문자입니다)',
      ),
    ).toBe(160);
  });

  it('parses ffprobe JSON without running anything', () => {
    const json = JSON.stringify({
      streams: [
        { codec_type: 'audio', codec_name: 'aac' },
        { codec_type: 'video', codec_name: 'vp9', width: 640, height: 360 },
      ],
      format: { duration: '12.345678', format_name: 'matroska,webm' },
    });

    expect(
      parseProbeOutput(json, 999),
      hint(
        'parseProbeOutput: the first video stream, duration seconds → rounded ms, any audio stream, the size given, format_name',
        'parseProbeOutput: 첫 영상 스트림, 초 단위 길이 → 반올림한 ms, 오디오 스트림 유무, 받은 크기, format_name',
      ),
    ).toEqual({
      durationMs: 12346,
      width: 640,
      height: 360,
      videoCodec: 'vp9',
      hasAudio: true,
      sizeBytes: 999,
      formatName: 'matroska,webm',
    });
  });

  it('refuses a file with no duration ("N/A") as invalid media', () => {
    const json = JSON.stringify({
      streams: [{ codec_type: 'video', codec_name: 'h264', width: 2, height: 2 }],
      format: { duration: 'N/A' },
    });

    expect(
      () => parseProbeOutput(json, 1),
      hint('duration "N/A" is not a number: InvalidMediaError', '길이 "N/A"는 숫자가 아닙니다: InvalidMediaError'),
    ).toThrow(InvalidMediaError);
  });

  it('gives MEDIA_NOT_FOUND for a missing path', async () => {
    const error = await probe(tmp.file('nope.mp4')).catch((e: unknown) => e);

    expect(
      error,
      hint(
        'a missing file is MediaNotFoundError, not a crash or a generic Error',
        '없는 파일은 충돌이나 일반 Error가 아니라 MediaNotFoundError입니다',
      ),
    ).toBeInstanceOf(MediaNotFoundError);
    expect((error as MediaNotFoundError).code, hint('its code is MEDIA_NOT_FOUND', '코드는 MEDIA_NOT_FOUND입니다')).toBe(
      ErrorCode.MEDIA_NOT_FOUND,
    );
  });

  it.each([
    ['a zero-byte file', async () => writeFile(tmp.file('empty.mp4'), '').then(() => tmp.file('empty.mp4'))],
    [
      'a text file named .mp4',
      async () => writeFile(tmp.file('notes.mp4'), 'not a video at all\n'.repeat(50)).then(() => tmp.file('notes.mp4')),
    ],
    ['a truncated MP4', async () => makeTruncated(tmp.file('cut.mp4'), await readFile(clip))],
    ['an audio-only file', async () => makeAudioOnly(tmp.file('tone.m4a'))],
  ])('gives INVALID_MEDIA for %s', async (_what, make) => {
    const file = await make();

    const error = await probe(file).catch((e: unknown) => e);

    expect(
      error,
      hint(
        'bad media must be InvalidMediaError (code INVALID_MEDIA): an ffprobe error, no video stream or no duration',
        '잘못된 미디어는 InvalidMediaError(코드 INVALID_MEDIA)여야 합니다: ffprobe 오류, 영상 스트림 없음, 길이 없음',
      ),
    ).toBeInstanceOf(InvalidMediaError);
    expect((error as InvalidMediaError).code, hint('its code is INVALID_MEDIA', '코드는 INVALID_MEDIA입니다')).toBe(
      ErrorCode.INVALID_MEDIA,
    );
  });

  it('says how to install ffmpeg when ffprobe is not on PATH', async () => {
    const error = await probe(clip, { ffprobePath: 'ffprobe-that-does-not-exist' }).catch((e: unknown) => e);

    expect(
      error,
      hint(
        'execFile ENOENT (no such program) must become FfmpegMissingError',
        'execFile ENOENT(그런 프로그램 없음)는 FfmpegMissingError가 되어야 합니다',
      ),
    ).toBeInstanceOf(FfmpegMissingError);
    expect(
      (error as Error).message,
      hint(
        'the message names the install command (FfmpegMissingError does)',
        '메시지에 설치 명령이 있어야 합니다(FfmpegMissingError가 그렇게 합니다)',
      ),
    ).toMatch(/apt-get install -y ffmpeg/);
  });
});
