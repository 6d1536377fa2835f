// Terminal colours, only when they help: a TTY, and no NO_COLOR (https://no-color.org).
import { styleText } from 'node:util';

// Node 20's styleText colours unconditionally (22.13+ checks the stream itself), so the check stays here.
const enabled = (stream: NodeJS.WriteStream = process.stdout) =>
  stream.isTTY === true && !process.env.NO_COLOR && process.env.TERM !== 'dumb';

type Format = Parameters<typeof styleText>[0];
const wrap = (format: Format) => (text: string) => (enabled() ? styleText(format, text) : text);

export const style = {
  bold: wrap('bold'),
  dim: wrap('dim'),
  red: wrap('red'),
  green: wrap('green'),
  yellow: wrap('yellow'),
  cyan: wrap('cyan'),
} as const;

export const mark = {
  pass: () => style.green('✓'),
  fail: () => style.red('✗'),
  skip: () => style.dim('○'),
  warn: () => style.yellow('!'),
} as const;

/** Indents every line of `text` by `n` spaces. */
export function indent(text: string, n: number): string {
  const pad = ' '.repeat(n);
  return text
    .split('\n')
    .map((line) => (line ? pad + line : line))
    .join('\n');
}

/** Keeps the first `max` lines, saying how many were left out. */
export function clip(text: string, max: number): string {
  const lines = text.split('\n');
  return lines.length <= max ? text : [...lines.slice(0, max), `… (${lines.length - max} more lines)`].join('\n');
}

/**
 * Terminal columns `text` takes: East Asian wide characters (Hangul, CJK) take two.
 * Hand-written: Node has no public string-width, and these ranges cover every script the runner prints.
 */
export function columns(text: string): number {
  return [...text].reduce((n, ch) => n + (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\uff00-\uff60]/.test(ch) ? 2 : 1), 0);
}

export function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - columns(text)));
}

/**
 * Exits once stdout and stderr have flushed. Vitest, pg and redis can leave sockets or timers
 * behind after the verdict is printed, so the CLIs exit explicitly; on macOS a piped stdout is
 * asynchronous, and a bare process.exit() could cut the last lines (the counts) off.
 */
export function exitWhenFlushed(): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit()));
}
