// Lab 09's costs, measured on this machine:
//
//   progress overhead   the same transcode with lab 09's runner (-progress pipe:1 parsed, a
//                       callback per block) and with ffmpeg alone (no -progress, output to a file):
//                       the ratio is what live progress costs. Goal ≤ 1.05.
//   queue throughput    jobs/s through BullMQ with a no-op processor, enqueued with lab 09's
//                       VideoQueue (one id per row, attempts, backoff, retention) and with a bare
//                       Queue.add: what our job options cost. Goal ≥ 0.8x.
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Queue, Worker } from 'bullmq';
import { createClient } from 'redis';
import { defineBench } from '../tools/bench/context.ts';
import type { RedisClient } from '../solutions/05-redis-structures/index.ts';
import { ffmpegArgs, Operation, probe, runOperation, VideoQueue } from '../solutions/09-video-progress/index.ts';

const run = promisify(execFile);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export default defineBench('video jobs: progress overhead and queue throughput', async (ctx) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'video-bench-'));
  const client = createClient({ url: ctx.services.redisUrl }) as RedisClient;
  client.on('error', () => {});
  await client.connect();
  try {
    // ---- progress overhead ---------------------------------------------------------------------
    const input = path.join(dir, 'input.mp4');
    const seconds = ctx.quick ? 5 : 20;
    await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `testsrc=duration=${seconds}:size=640x360:rate=25`, '-f', 'lavfi', '-i', `sine=duration=${seconds}`, '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', input]);
    const media = await probe(input);
    const bare = async () => {
      const child = spawn('ffmpeg', ['-hide_banner', '-nostdin', '-y', '-loglevel', 'error', ...ffmpegArgs(Operation.TRANSCODE_480P, input, path.join(dir, 'bare.mp4'), media)], { stdio: 'ignore' });
      const [code] = await once(child, 'close');
      if (code !== 0) throw new Error(`ffmpeg exited with ${code}`);
    };
    let blocks = 0;
    const withProgress = () => runOperation({ operation: Operation.TRANSCODE_480P, input, output: path.join(dir, 'progress.mp4'), media, onProgress: () => void blocks++ });
    const rounds = ctx.quick ? 3 : 7;
    const times = { bare: [] as number[], progress: [] as number[] };
    for (let i = 0; i < rounds; i++) {
      // Alternate, so a machine that gets busier during the run slows both sides alike.
      for (const [name, task] of [['bare', bare], ['progress', withProgress]] as const) {
        const started = performance.now();
        await task();
        times[name].push(performance.now() - started);
      }
    }
    const overhead = median(times.progress) / median(times.bare);

    // ---- queue throughput ----------------------------------------------------------------------
    const n = ctx.quick ? 200 : 1000;
    const prefix = `${ctx.services.redisPrefix}bull`;
    const data = (i: number) => ({ jobId: i + 1, ownerId: 1, operation: Operation.THUMBNAIL, input: '/dev/null', output: '/dev/null' });
    async function drain(name: string, enqueue: () => Promise<void>): Promise<number> {
      let done = 0;
      let finish!: () => void;
      const all = new Promise<void>((resolve) => (finish = resolve));
      const worker = new Worker(name, async () => {}, { connection: client, prefix, autorun: false, concurrency: 1 });
      worker.on('completed', () => ++done === n && finish());
      await enqueue();
      const started = performance.now();
      void worker.run();
      await all;
      const jobsPerSecond = n / ((performance.now() - started) / 1000);
      await worker.close();
      return jobsPerSecond;
    }
    const bareQueue = new Queue('bare', { connection: client, prefix });
    const ours = new VideoQueue({ connection: client, prefix, name: 'ours' });
    // Warm-up, so neither side pays for loading BullMQ's Lua scripts into Redis.
    const warm = new Queue('warm', { connection: client, prefix });
    await drain('warm', async () => {
      for (let i = 0; i < n; i++) await warm.add('t', data(i));
    });
    await warm.obliterate({ force: true });
    await warm.close();
    const bareRate = await drain('bare', async () => {
      for (let i = 0; i < n; i++) await bareQueue.add('t', data(i));
    });
    const ourRate = await drain('ours', async () => {
      for (let i = 0; i < n; i++) await ours.enqueue(data(i));
    });
    const oursCounts = await ours.counts();
    await Promise.all([bareQueue.obliterate({ force: true }), ours.close()]);
    await bareQueue.close();

    ctx.table('what the numbers say', [
      { measure: `transcode ${seconds} s 640x360 → 480p, ffmpeg alone (median of ${rounds})`, value: `${median(times.bare).toFixed(0)} ms` },
      { measure: 'the same through runOperation with -progress parsed', value: `${median(times.progress).toFixed(0)} ms (${Math.round(blocks / rounds)} progress blocks per run)` },
      { measure: 'progress overhead ratio (goal ≤ 1.05)', value: `${overhead.toFixed(3)}x` },
      { measure: `bare BullMQ Queue.add + Worker, no-op processor, ${n} jobs`, value: `${bareRate.toFixed(0)} jobs/s` },
      { measure: 'VideoQueue.enqueue + the same Worker', value: `${ourRate.toFixed(0)} jobs/s` },
      { measure: 'ours / bare (goal ≥ 0.8)', value: `${(ourRate / bareRate).toFixed(2)}x` },
      { measure: 'jobs left in Redis after completing (removeOnComplete keeps ≤ 1000)', value: String(oursCounts.completed ?? 0) },
    ]);
  } finally {
    client.destroy();
    await rm(dir, { recursive: true, force: true });
  }
});
