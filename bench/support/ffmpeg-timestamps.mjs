#!/usr/bin/env node
// Bench support (bench/video.bench.ts, progress latency): stands in for `ffmpeg` on PATH. It runs
// the real ffmpeg (FFMPEG_REAL) with the same arguments, passes its stdout on unchanged, and for
// every -progress block it reads records the block and the wall-clock time it arrived
// (performance.timeOrigin + performance.now(), ms) as one JSON line in FFMPEG_TIMESTAMPS. That
// time is "ffmpeg wrote the block" give or take one pipe read; the bench compares it with the time
// the owner's WebSocket received the update.
import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';

const real = process.env.FFMPEG_REAL;
const log = process.env.FFMPEG_TIMESTAMPS;
if (!real || !log) {
  process.stderr.write('ffmpeg-timestamps: set FFMPEG_REAL and FFMPEG_TIMESTAMPS\n');
  process.exit(2);
}
const child = spawn(real, process.argv.slice(2), { stdio: ['ignore', 'pipe', 'inherit'] });
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => child.kill(signal));

let partial = '';
let block = [];
child.stdout.setEncoding('utf8');
child.stdout.on('data', (chunk) => {
  const at = performance.timeOrigin + performance.now();
  process.stdout.write(chunk); // first pass it on: the timestamp must not wait for the log
  const lines = (partial + chunk).split('\n');
  partial = lines.pop();
  const done = [];
  for (const line of lines) {
    block.push(line);
    if (line.startsWith('progress=')) {
      done.push(JSON.stringify({ at, block: `${block.join('\n')}\n` }));
      block = [];
    }
  }
  if (done.length) appendFileSync(log, `${done.join('\n')}\n`);
});
child.on('close', (code) => process.exit(code ?? 1));
