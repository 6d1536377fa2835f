// Lab 09, step 1: ffmpeg's -progress output, parsed. Pure: no process, no file.
import { describe, expect, it } from 'vitest';
import { say } from '../../tools/testing/say.ts';
import { progressText } from './fixtures.ts';
import { ProgressParser, parseProgressValue } from './index.ts';

/** A realistic block as ffmpeg 5-7 print it; `us` is out_time in microseconds. */
const block = (us: number | 'N/A', speed: string, progress: 'continue' | 'end') => ({
  frame: 10,
  fps: '0.00',
  bitrate: '135.8kbits/s',
  total_size: 34291,
  out_time_us: us,
  out_time_ms: us, // microseconds too, despite the name
  out_time: '00:00:01.000000',
  dup_frames: 0,
  drop_frames: 0,
  speed,
  progress,
});

const RUN = progressText([
  block(500_000, '2x', 'continue'),
  block(1_000_000, '2x', 'continue'),
  block(1_500_000, ' 1.5x', 'continue'),
  block(2_000_000, '2x', 'end'),
]);

/** A failure message in the learner's language, naming the file and the lesson step. */
const hint = (en: string, ko: string) => say({ en: `🚨 progress-parser.ts (step 1): ${en}`, ko: `🚨 progress-parser.ts (1단계): ${ko}` });

function feed(parser: ProgressParser, chunks: string[]) {
  return chunks.flatMap((c) => parser.push(c));
}

describe('progress parser', () => {
  it('reads values: numbers, padded speeds, and N/A as null', () => {
    expect(
      parseProgressValue('2020136'),
      hint(
        'out_time_us is a plain number: parseProgressValue("2020136") is 2020136',
        'out_time_us는 그냥 숫자입니다: parseProgressValue("2020136")은 2020136',
      ),
    ).toBe(2020136);
    expect(
      parseProgressValue(' 1.8x'),
      hint('"speed= 1.8x" means 1.8: trim the padding and drop the x', '"speed= 1.8x"는 1.8입니다. 앞의 공백을 자르고 x를 떼세요'),
    ).toBe(1.8);
    expect(
      parseProgressValue('N/A'),
      hint('N/A means "unknown": null, never NaN or 0', 'N/A는 "모름"입니다: NaN이나 0이 아니라 null'),
    ).toBeNull();
    expect(parseProgressValue(''), hint('an empty value is unknown too: null', '빈 값도 모름입니다: null')).toBeNull();
    expect(parseProgressValue(undefined)).toBeNull();
  });

  it('turns each block into percent of the probed duration, 100 only at progress=end', () => {
    const parser = new ProgressParser(2000);

    const blocks = parser.push(RUN);

    expect(
      blocks.map((b) => b.percent),
      hint('percent = out_time_us / duration: 0.5 s of 2 s is 25 %', 'percent = out_time_us / 길이: 2초 중 0.5초는 25 %'),
    ).toEqual([25, 50, 75, 100]);
    expect(
      blocks.map((b) => b.done),
      hint('done is true only for the block that ends with progress=end', 'done은 progress=end로 끝나는 블록에서만 true입니다'),
    ).toEqual([false, false, false, true]);
    expect(
      blocks[0]!.outTimeMs,
      hint(
        'out_time_us is MICROseconds: 500000 µs = 500 ms (divide by 1000)',
        'out_time_us는 마이크로초입니다: 500000 µs = 500 ms (1000으로 나누세요)',
      ),
    ).toBe(500);
  });

  it('treats out_time_ms as microseconds too (the trap in its name)', () => {
    const parser = new ProgressParser(2000);

    const [only] = parser.push('out_time_ms=1000000\nprogress=continue\n');

    expect(
      only!.outTimeMs,
      hint(
        'out_time_ms is microseconds too, despite its name: out_time_ms=1000000 is one second',
        'out_time_ms도 이름과 달리 마이크로초입니다: out_time_ms=1000000은 1초',
      ),
    ).toBe(1000);
    expect(only!.percent, hint('one second of two is 50 %', '2초 중 1초는 50 %입니다')).toBe(50);
  });

  it('gives the same blocks whichever way the stream is split, one byte at a time included', () => {
    const whole = new ProgressParser(2000).push(RUN);

    const byByte = feed(new ProgressParser(2000), [...RUN]);
    const oddChunks = feed(new ProgressParser(2000), RUN.match(/[\s\S]{1,7}/g)!);

    expect(
      byByte,
      hint(
        'one byte per chunk: keep the unfinished line in a buffer until its newline comes',
        '한 바이트씩: 끝나지 않은 줄은 줄바꿈이 올 때까지 버퍼에 두세요',
      ),
    ).toEqual(whole);
    expect(
      oddChunks,
      hint('7-byte chunks must give the same blocks as the whole text', '7바이트 조각도 전체 텍스트와 같은 블록을 내야 합니다'),
    ).toEqual(whole);
  });

  it('accepts \\r\\n line ends', () => {
    const blocks = new ProgressParser(2000).push(RUN.replaceAll('\n', '\r\n'));

    expect(
      blocks.map((b) => b.percent),
      hint('CR LF line ends: trim the CR off each line', 'CR LF 줄 끝: 줄마다 CR을 잘라내세요'),
    ).toEqual([25, 50, 75, 100]);
  });

  it('never goes backwards, never passes 99 before the end, and ignores N/A', () => {
    const parser = new ProgressParser(2000);

    const blocks = parser.push(
      progressText([
        block(1_000_000, '1x', 'continue'),
        block(400_000, '1x', 'continue'), // a smaller time (a second output stream, a seek): must not move the bar back
        block('N/A', 'N/A', 'continue'), // before the first packet: unknown, not zero
        block(2_600_000, '1x', 'continue'), // past the probed duration (rounding, a longer audio track)
        block(2_600_000, '1x', 'end'),
      ]),
    );

    expect(
      blocks.map((b) => b.percent),
      hint(
        'keep the highest percent seen (never backwards), ignore N/A, stay at 99 until progress=end',
        '본 것 중 가장 큰 퍼센트를 유지하고(뒤로 가지 않기), N/A는 무시하고, progress=end 전까지는 99에 머무세요',
      ),
    ).toEqual([50, 50, 50, 99, 100]);
    expect(blocks[2]!.speed, hint('speed=N/A is null', 'speed=N/A는 null입니다')).toBeNull();
  });

  it('clamps a negative start time to 0 %', () => {
    const [first] = new ProgressParser(2000).push('out_time_us=-23220\nspeed=N/A\nprogress=continue\n');

    expect(first!.percent, hint('a negative out_time is clamped to 0 %', '음수 out_time은 0 %로 자릅니다')).toBe(0);
    expect(first!.outTimeMs, hint('a negative out_time is clamped to 0 ms', '음수 out_time은 0 ms로 자릅니다')).toBe(0);
  });

  it('estimates the time left from the speed: remaining media time / speed, 0 when done, null when unknown', () => {
    const parser = new ProgressParser(10_000);

    const [quarter, unknown, done] = parser.push(
      progressText([block(2_500_000, '2.5x', 'continue'), block(3_000_000, 'N/A', 'continue'), block(10_000_000, '2x', 'end')]),
    );

    expect(
      quarter!.etaMs,
      hint(
        'etaMs = (duration - outTimeMs) / speed: 7.5 s of video left at 2.5x = 3000 ms',
        'etaMs = (길이 - outTimeMs) / speed: 남은 7.5초를 2.5배속으로 = 3000 ms',
      ),
    ).toBe(3000);
    expect(quarter!.speed, hint('speed=2.5x is 2.5', 'speed=2.5x는 2.5입니다')).toBe(2.5);
    expect(unknown!.etaMs, hint('no speed, no estimate: etaMs null', '속도가 없으면 추정도 없습니다: etaMs는 null')).toBeNull();
    expect(done!.etaMs, hint('done: etaMs 0', '끝나면 etaMs는 0')).toBe(0);
  });

  it('with an unknown duration (0), stays at 0 % until progress=end', () => {
    const blocks = new ProgressParser(0).push(progressText([block(40_000, '1x', 'continue'), block(40_000, '1x', 'end')]));

    expect(
      blocks.map((b) => b.percent),
      hint(
        'duration 0 (unknown): 0 % until progress=end, then 100 (no division by zero)',
        '길이 0(모름): progress=end 전까지 0 %, 그다음 100 (0으로 나누지 않기)',
      ),
    ).toEqual([0, 100]);
  });
});
