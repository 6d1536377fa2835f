// Lab 09, step 2: ffprobe, asked for typed metadata; every kind of bad file gets a typed error.
import { readFile, writeFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeAudioOnly, makeClip, makeTruncated, useTempDir } from './fixtures.ts';
import { ErrorCode, FfmpegMissingError, InvalidMediaError, MediaNotFoundError, parseProbeOutput, probe } from './index.ts';

const tmp = useTempDir();
let clip: string;

beforeAll(async () => {
  clip = await makeClip(tmp.file('clip.mp4'), { seconds: 2 });
});

describe('probe', () => {
  it('returns duration in ms, size, codec and audio of a real clip', async () => {
    const info = await probe(clip);

    expect(info).toMatchObject({ width: 160, height: 120, videoCodec: 'h264', hasAudio: true });
    expect(info.durationMs, 'duration is in MILLIseconds (ffprobe prints seconds as a string: "2.000000")').toBeGreaterThanOrEqual(1900);
    expect(info.durationMs).toBeLessThanOrEqual(2200);
    expect(info.sizeBytes, 'sizeBytes is the file size on disk').toBe((await readFile(clip)).length);
  });

  it('reads a path with spaces, quotes, $ and non-ASCII characters as one argument (no shell)', async () => {
    const odd = tmp.file(`my "clip" $(echo hi) 'ok' 영상 ü.mp4`);
    await writeFile(odd, await readFile(clip));

    const info = await probe(odd);

    expect(info.width).toBe(160);
  });

  it('parses ffprobe JSON without running anything', () => {
    const json = JSON.stringify({
      streams: [
        { codec_type: 'audio', codec_name: 'aac' },
        { codec_type: 'video', codec_name: 'vp9', width: 640, height: 360 },
      ],
      format: { duration: '12.345678', format_name: 'matroska,webm' },
    });

    expect(parseProbeOutput(json, 999)).toEqual({
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
    const json = JSON.stringify({ streams: [{ codec_type: 'video', codec_name: 'h264', width: 2, height: 2 }], format: { duration: 'N/A' } });

    expect(() => parseProbeOutput(json, 1)).toThrow(InvalidMediaError);
  });

  it('gives MEDIA_NOT_FOUND for a missing path', async () => {
    const error = await probe(tmp.file('nope.mp4')).catch((e: unknown) => e);

    expect(error, 'a missing file is MediaNotFoundError, not a crash or a generic Error').toBeInstanceOf(MediaNotFoundError);
    expect((error as MediaNotFoundError).code).toBe(ErrorCode.MEDIA_NOT_FOUND);
  });

  it.each([
    ['a zero-byte file', async () => writeFile(tmp.file('empty.mp4'), '').then(() => tmp.file('empty.mp4'))],
    ['a text file named .mp4', async () => writeFile(tmp.file('notes.mp4'), 'not a video at all\n'.repeat(50)).then(() => tmp.file('notes.mp4'))],
    ['a truncated MP4', async () => makeTruncated(tmp.file('cut.mp4'), await readFile(clip))],
    ['an audio-only file', async () => makeAudioOnly(tmp.file('tone.m4a'))],
  ])('gives INVALID_MEDIA for %s', async (_what, make) => {
    const file = await make();

    const error = await probe(file).catch((e: unknown) => e);

    expect(error, 'bad media must be InvalidMediaError (code INVALID_MEDIA)').toBeInstanceOf(InvalidMediaError);
    expect((error as InvalidMediaError).code).toBe(ErrorCode.INVALID_MEDIA);
  });

  it('says how to install ffmpeg when ffprobe is not on PATH', async () => {
    const error = await probe(clip, { ffprobePath: 'ffprobe-that-does-not-exist' }).catch((e: unknown) => e);

    expect(error, 'spawn ENOENT must become FfmpegMissingError').toBeInstanceOf(FfmpegMissingError);
    expect((error as Error).message).toMatch(/apt-get install -y ffmpeg/);
  });
});
