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

// #region parse-block
/** A number from a progress value, or null for `N/A`, empty or garbage ("speed= 1.8x" gives 1.8). */
export function parseProgressValue(value: string | undefined): number | null {
  if (value === undefined) return null;
  const trimmed = value.trim().replace(/x$/, '');
  if (trimmed === '' || trimmed === 'N/A') return null;
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : null;
}

/** Output time in ms from a block's fields: out_time_us, else out_time_ms (microseconds too!), else null. */
export function outTimeMsOf(fields: ReadonlyMap<string, string>): number | null {
  const us = parseProgressValue(fields.get('out_time_us')) ?? parseProgressValue(fields.get('out_time_ms'));
  // Before the first packet ffmpeg may print a negative time: treat it as "nothing yet".
  return us === null ? null : Math.max(0, us / 1000);
}
// #endregion parse-block

// #region parser
/**
 * Turns chunks of ffmpeg's `-progress` output into Progress values, one per complete block.
 * Feed it every chunk in order with `push`; it keeps the state that makes percent monotonic.
 */
export class ProgressParser {
  readonly #durationMs: number;
  #buffer = '';
  #fields = new Map<string, string>();
  #percent = 0;
  #outTimeMs = 0;

  /** @param durationMs the input's probed duration; 0 or less means unknown (percent then moves only at the end). */
  constructor(durationMs: number) {
    this.#durationMs = durationMs;
  }

  /** Adds one chunk; returns the blocks it completed (often none, sometimes several). */
  push(chunk: string): Progress[] {
    this.#buffer += chunk;
    const lines = this.#buffer.split('\n');
    this.#buffer = lines.pop()!; // the unfinished tail waits for the next chunk
    const blocks: Progress[] = [];
    for (const raw of lines) {
      const line = raw.trim(); // \r\n on Windows
      const eq = line.indexOf('=');
      if (eq <= 0) continue;
      const key = line.slice(0, eq).trim();
      const value = line.slice(eq + 1).trim();
      if (key !== 'progress') {
        this.#fields.set(key, value);
        continue;
      }
      blocks.push(this.#finishBlock(value === 'end'));
    }
    return blocks;
  }

  #finishBlock(done: boolean): Progress {
    const fields = this.#fields;
    this.#fields = new Map();
    const outTimeMs = outTimeMsOf(fields);
    if (outTimeMs !== null) this.#outTimeMs = Math.max(this.#outTimeMs, outTimeMs);
    if (done) this.#percent = 100;
    else if (this.#durationMs > 0) {
      // Capped at 99 until ffmpeg says `end`: the output can reach the duration before the file is finalised.
      const raw = Math.floor((this.#outTimeMs / this.#durationMs) * 100);
      this.#percent = Math.max(this.#percent, Math.min(99, Math.max(0, raw)));
    }
    const speed = parseProgressValue(fields.get('speed'));
    const usableSpeed = speed !== null && speed > 0 ? speed : null;
    let etaMs: number | null = null;
    if (done) etaMs = 0;
    else if (usableSpeed !== null && this.#durationMs > 0) etaMs = Math.round(Math.max(0, this.#durationMs - this.#outTimeMs) / usableSpeed);
    return { outTimeMs: this.#outTimeMs, percent: this.#percent, speed: usableSpeed, etaMs, done };
  }
}
// #endregion parser
