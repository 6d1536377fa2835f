// ffmpeg's machine-readable progress, parsed. Pure: strings in, values out, no process anywhere.
//
// `ffmpeg ... -progress pipe:1 -nostats` writes blocks of key=value lines to stdout, about twice a
// second, each block ending with `progress=continue` (or `progress=end` for the last one):
//
//   frame=50
//   out_time_us=2020136      <- microseconds of output written so far
//   out_time_ms=2020136      <- ALSO microseconds, despite the name (an old ffmpeg bug kept for compatibility)
//   out_time=00:00:02.020136
//   speed=14.8x              <- may be "N/A", or padded: "speed= 1.8x"
//   progress=continue
//
// A pipe hands these over in chunks that split lines anywhere, so the parser buffers the tail of
// the last chunk until its newline arrives. Percent is out_time over the probed duration.

/** One progress block, as the worker reports it. */
export interface Progress {
  /** Output time written so far, in milliseconds. */
  outTimeMs: number;
  /** 0..100, never lower than the previous block's; 100 only on ffmpeg's final block (`progress=end`). */
  percent: number;
  /** Encoding speed as a multiple of real time (2 = twice as fast as playback), or null when ffmpeg says N/A. */
  speed: number | null;
  /** Wall-clock milliseconds left at the current speed, or null when unknown. 0 once done. */
  etaMs: number | null;
  /** True for the block that ends with `progress=end`. */
  done: boolean;
}

/** A number from a progress value, or null for `N/A`, empty or garbage ("speed= 1.8x" gives 1.8). */
export function parseProgressValue(value: string | undefined): number | null {
  // TODO: undefined, '' and 'N/A' mean "unknown": return null, never NaN and never 0 (0 would be a value).
  // TODO: ffmpeg pads some values and suffixes the speed: " 1.8x" must read as 1.8.
  throw new Error('not implemented: parseProgressValue in labs/09-video-progress/progress-parser.ts');
}

/** Output time in ms from a block's fields: out_time_us, else out_time_ms (microseconds too!), else null. */
export function outTimeMsOf(fields: ReadonlyMap<string, string>): number | null {
  // TODO: prefer out_time_us; fall back to out_time_ms. Both are MICROseconds (read the header above).
  // TODO: a negative time (before the first packet) counts as 0.
  throw new Error('not implemented: outTimeMsOf in labs/09-video-progress/progress-parser.ts');
}

/**
 * Turns chunks of ffmpeg's `-progress` output into Progress values, one per complete block.
 * Feed it every chunk in order with `push`; it keeps the state that makes percent monotonic.
 */
export class ProgressParser {
  readonly #durationMs: number;

  /** @param durationMs the input's probed duration; 0 or less means unknown (percent then moves only at the end). */
  constructor(durationMs: number) {
    this.#durationMs = durationMs;
  }

  /** Adds one chunk; returns the blocks it completed (often none, sometimes several). */
  push(chunk: string): Progress[] {
    // TODO: a chunk can end in the middle of a line, even in the middle of a key: keep the unfinished
    //       tail until its newline arrives (the test feeds the stream one byte at a time). Lines may end in \r\n.
    // TODO: collect key=value fields until a `progress=` line closes the block; then turn the block into a
    //       Progress and start a new one.
    // TODO: percent = out time / this.#durationMs, as an integer, clamped to 0..99 while ffmpeg says
    //       `continue` and exactly 100 on `end`; it never goes below the previous block's percent.
    // TODO: etaMs = media time left / speed (a speed of N/A or 0 gives null); 0 once done.
    throw new Error('not implemented: ProgressParser.push in labs/09-video-progress/progress-parser.ts');
  }
}
