// Lab 09, step 1: ffmpeg's -progress output, parsed. Pure: no process, no file.
import { describe, expect, it } from 'vitest';
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

const RUN = progressText([block(500_000, '2x', 'continue'), block(1_000_000, '2x', 'continue'), block(1_500_000, ' 1.5x', 'continue'), block(2_000_000, '2x', 'end')]);

function feed(parser: ProgressParser, chunks: string[]) {
  return chunks.flatMap((c) => parser.push(c));
}

describe('progress parser', () => {
  it('reads values: numbers, padded speeds, and N/A as null', () => {
    expect(parseProgressValue('2020136'), 'out_time_us is a plain number').toBe(2020136);
    expect(parseProgressValue(' 1.8x'), '"speed= 1.8x" means 1.8 (ffmpeg pads it)').toBe(1.8);
    expect(parseProgressValue('N/A'), 'N/A means "unknown": null, never NaN or 0').toBeNull();
    expect(parseProgressValue(''), 'an empty value is unknown too').toBeNull();
    expect(parseProgressValue(undefined)).toBeNull();
  });

  it('turns each block into percent of the probed duration, 100 only at progress=end', () => {
    const parser = new ProgressParser(2000);

    const blocks = parser.push(RUN);

    expect(blocks.map((b) => b.percent), 'out_time_us / duration: 0.5 s of 2 s is 25 %').toEqual([25, 50, 75, 100]);
    expect(blocks.map((b) => b.done)).toEqual([false, false, false, true]);
    expect(blocks[0]!.outTimeMs, 'out_time_us is MICROseconds: 500000 µs = 500 ms').toBe(500);
  });

  it('treats out_time_ms as microseconds too (the trap in its name)', () => {
    const parser = new ProgressParser(2000);

    const [only] = parser.push('out_time_ms=1000000\nprogress=continue\n');

    expect(only!.outTimeMs, 'out_time_ms=1000000 is one second, not 1000 seconds').toBe(1000);
    expect(only!.percent).toBe(50);
  });

  it('gives the same blocks whichever way the stream is split, one byte at a time included', () => {
    const whole = new ProgressParser(2000).push(RUN);

    const byByte = feed(new ProgressParser(2000), [...RUN]);
    const oddChunks = feed(new ProgressParser(2000), RUN.match(/[\s\S]{1,7}/g)!);

    expect(byByte, 'one byte per chunk: a line split anywhere must wait for its newline').toEqual(whole);
    expect(oddChunks, '7-byte chunks').toEqual(whole);
  });

  it('accepts \\r\\n line ends', () => {
    const blocks = new ProgressParser(2000).push(RUN.replaceAll('\n', '\r\n'));

    expect(blocks.map((b) => b.percent)).toEqual([25, 50, 75, 100]);
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

    expect(blocks.map((b) => b.percent)).toEqual([50, 50, 50, 99, 100]);
    expect(blocks[2]!.speed, 'speed=N/A is null').toBeNull();
  });

  it('clamps a negative start time to 0 %', () => {
    const [first] = new ProgressParser(2000).push('out_time_us=-23220\nspeed=N/A\nprogress=continue\n');

    expect(first!.percent).toBe(0);
    expect(first!.outTimeMs).toBe(0);
  });

  it('estimates the time left from the speed: remaining media time / speed, 0 when done, null when unknown', () => {
    const parser = new ProgressParser(10_000);

    const [quarter, unknown, done] = parser.push(progressText([block(2_500_000, '2.5x', 'continue'), block(3_000_000, 'N/A', 'continue'), block(10_000_000, '2x', 'end')]));

    expect(quarter!.etaMs, '7.5 s of video left at 2.5x real time = 3000 ms').toBe(3000);
    expect(quarter!.speed).toBe(2.5);
    expect(unknown!.etaMs, 'no speed, no estimate').toBeNull();
    expect(done!.etaMs).toBe(0);
  });

  it('with an unknown duration (0), stays at 0 % until progress=end', () => {
    const blocks = new ProgressParser(0).push(progressText([block(40_000, '1x', 'continue'), block(40_000, '1x', 'end')]));

    expect(blocks.map((b) => b.percent)).toEqual([0, 100]);
  });
});
