// Lab 09's costs, measured on this machine:
//
//   progress overhead   the same transcode through lab 09's runner (-progress pipe:1 parsed, each
//                       block encoded as the owner's notification) and through ffmpeg alone (no
//                       -progress), in pairs whose order alternates. Goal ≤ 1.05. The wall-time
//                       ratio carries the noise of a shared machine; the CPU this process spends
//                       per run (reading the pipe, parsing, encoding) is the cost itself.
//   queue throughput    jobs/s through BullMQ with a no-op processor, enqueued with a bare
//                       Queue.add and with lab 09's VideoQueue.enqueue (job id, attempts, backoff,
//                       retention), in rounds whose order alternates. Goal ≥ 0.8x. One sequential
//                       run of each once read 0.54x; interleaved, the two are within each other's
//                       noise (the Redis is shared), and splitting the options showed no cause.
//   progress latency    the finished app with one worker: from ffmpeg writing a `progress=` block
//                       (an `ffmpeg` on PATH that stamps each block, bench/support) to the owner's
//                       WebSocket receiving the update it caused, p50 and p99.
//
// The soak (1,000 jobs, two workers killed with SIGKILL) is bench/video-soak.bench.ts.
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { access, constants, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Queue, Worker } from 'bullmq';
import { createClient } from 'redis';
import WebSocket from 'ws';
import { defineBench, percentile, type BenchContext } from '../tools/bench/context.ts';
import { waitFor, withDeadline } from '../tools/testing/wait.ts';
import type { RedisClient } from '../solutions/05-redis-structures/index.ts';
import {
  bullConnection,
  ffmpegArgs,
  Operation,
  probe,
  ProgressParser,
  runOperation,
  VideoQueue,
} from '../solutions/09-video-progress/index.ts';
import { createApp, DEMO_CLIP_TITLE, DEMO_LOGIN, parseNotification, type JobProgressNotification } from '../solutions/app/index.ts';
import { createPrismaClient } from '../prisma/client.ts';

const run = promisify(execFile);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const spread = (xs: number[], digits: number, unit = '') =>
  `${median(xs).toFixed(digits)}${unit} [${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}]`;
const now = () => performance.timeOrigin + performance.now();

export default defineBench('video jobs: progress overhead, queue throughput, progress latency', async (ctx) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'video-bench-'));
  const client = createClient({ url: ctx.services.redisUrl }) as RedisClient;
  client.on('error', () => {});
  await client.connect();
  try {
    await progressOverhead(ctx, dir);
    await queueThroughput(ctx, client);
    await progressLatency(ctx, dir);
  } finally {
    client.destroy();
    await rm(dir, { recursive: true, force: true });
  }
});

// ---- progress overhead -------------------------------------------------------------------------
async function progressOverhead(ctx: BenchContext, dir: string): Promise<void> {
  const input = path.join(dir, 'input.mp4');
  const seconds = ctx.quick ? 5 : 30;
  await run('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `testsrc=duration=${seconds}:size=640x360:rate=25`,
    '-f',
    'lavfi',
    '-i',
    `sine=duration=${seconds}`,
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    '-c:a',
    'aac',
    '-shortest',
    input,
  ]);
  const media = await probe(input);
  // The runner's own flags, minus -progress: the only difference between the two sides.
  const bare = async () => {
    const args = [
      '-hide_banner',
      '-nostdin',
      '-y',
      '-loglevel',
      'error',
      '-nostats',
      ...ffmpegArgs(Operation.TRANSCODE_480P, input, path.join(dir, 'bare.mp4'), media),
    ];
    const child = spawn('ffmpeg', args, { stdio: 'ignore' });
    const [code] = (await once(child, 'close')) as [number | null];
    if (code !== 0) throw new Error(`ffmpeg exited with ${code}`);
  };
  let blocks = 0;
  let encoded = 0;
  const withProgress = () =>
    runOperation({
      operation: Operation.TRANSCODE_480P,
      input,
      output: path.join(dir, 'progress.mp4'),
      media,
      onProgress: (p) => {
        blocks++;
        // What the worker does with a block that is sent: the owner's notification, encoded.
        encoded += JSON.stringify({
          type: 'event',
          name: 'job.progress',
          data: { jobId: 1, status: 'processing', progress: p.percent, version: blocks, etaMs: p.etaMs },
        }).length;
      },
    });
  const pairs = ctx.quick ? 3 : 15;
  const wall = { bare: [] as number[], progress: [] as number[] };
  const cpu = { bare: [] as number[], progress: [] as number[] };
  const ratios: number[] = [];
  let progressFaster = 0;
  await bare(); // warm the page cache and ffmpeg's libraries for both sides
  for (let i = 0; i < pairs; i++) {
    // The order alternates, so a machine that gets busier during a pair slows either side first.
    const order = i % 2 ? (['progress', 'bare'] as const) : (['bare', 'progress'] as const);
    const took: Record<string, number> = {};
    for (const side of order) {
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      await (side === 'bare' ? bare() : withProgress());
      took[side] = performance.now() - t0;
      const used = process.cpuUsage(cpu0);
      wall[side].push(took[side]);
      cpu[side].push((used.user + used.system) / 1000);
    }
    ratios.push(took.progress! / took.bare!);
    if (took.progress! < took.bare!) progressFaster++;
  }
  const parentCostPct = ((median(cpu.progress) - median(cpu.bare)) / median(wall.bare)) * 100;
  ctx.table(`progress overhead: transcode ${seconds} s 640x360 → 480p, ${pairs} pairs, order alternating`, [
    { measure: 'ffmpeg alone, wall ms, median [min–max]', value: spread(wall.bare, 0) },
    {
      measure: `runOperation with -progress parsed (${Math.round(blocks / pairs)} blocks a run), wall ms`,
      value: spread(wall.progress, 0),
    },
    { measure: 'ratio per pair, median [min–max] (goal ≤ 1.05)', value: spread(ratios, 3, 'x') },
    { measure: 'pairs where the side WITH progress was faster', value: `${progressFaster} of ${pairs}` },
    {
      measure: "this process's CPU per run, ms: ffmpeg alone / with progress",
      value: `${median(cpu.bare).toFixed(1)} / ${median(cpu.progress).toFixed(1)}`,
    },
    { measure: "that difference, as a share of the transcode's wall time", value: `${parentCostPct.toFixed(2)} %` },
    { measure: 'notification bytes encoded per run', value: String(Math.round(encoded / pairs)) },
  ]);
}

// ---- queue throughput --------------------------------------------------------------------------
async function queueThroughput(ctx: BenchContext, client: RedisClient): Promise<void> {
  const n = ctx.quick ? 200 : 1000;
  const rounds = ctx.quick ? 2 : 9;
  const prefix = `${ctx.services.redisPrefix}bull`;
  const connection = bullConnection(client);
  const data = (i: number) => ({ jobId: i + 1, ownerId: 1, operation: Operation.THUMBNAIL, input: '/dev/null', output: '/dev/null' });
  /** Enqueues `n` jobs on a queue called `name`; returns how to remove that queue afterwards. */
  type Enqueue = (name: string) => Promise<() => Promise<void>>;
  const obliterate = async (name: string) => {
    const queue = new Queue(name, { connection, prefix });
    await queue.obliterate({ force: true });
    await queue.close();
  };
  const bareAdd: Enqueue = async (name) => {
    const queue = new Queue(name, { connection, prefix });
    for (let i = 0; i < n; i++) await queue.add('t', data(i));
    await queue.close();
    return () => obliterate(name);
  };
  const variants: Record<string, Enqueue> = {
    'bare Queue.add (BullMQ defaults: keeps every finished job)': bareAdd,
    'VideoQueue.enqueue (lab 09)': async (name) => {
      const queue = new VideoQueue({ connection: client, prefix, name });
      for (let i = 0; i < n; i++) await queue.enqueue(data(i));
      await queue.close();
      return () => obliterate(name);
    },
  };
  /** Jobs per second from the first completion to the last: the worker's start-up is not counted. */
  async function drain(name: string): Promise<number> {
    let done = 0;
    let first = 0;
    let finish!: (ms: number) => void;
    const all = new Promise<number>((resolve) => (finish = resolve));
    const worker = new Worker(name, async () => {}, { connection, prefix, autorun: false, concurrency: 1 });
    worker.on('completed', () => {
      if (++done === 1) first = performance.now();
      if (done === n) finish(performance.now() - first);
    });
    void worker.run();
    const ms = await withDeadline(all, 120_000, `draining ${n} no-op jobs from ${name}`);
    await worker.close();
    return (n - 1) / (ms / 1000);
  }
  const names = Object.keys(variants);
  const cleanWarm = await bareAdd('warm'); // load BullMQ's scripts into Redis before anything is timed
  await drain('warm');
  await cleanWarm();
  const rates: number[][] = names.map(() => []);
  const ratios: number[][] = names.map(() => []);
  for (let r = 0; r < rounds; r++) {
    const round: number[] = [];
    for (let k = 0; k < names.length; k++) {
      const v = (r + k) % names.length; // the order alternates every round
      const name = `tp-${r}-${v}`;
      const cleanup = await variants[names[v]!]!(name);
      round[v] = await drain(name);
      await cleanup();
    }
    names.forEach((_, v) => {
      rates[v]!.push(round[v]!);
      ratios[v]!.push(round[v]! / round[0]!);
    });
  }
  ctx.table(
    `queue throughput: ${n} no-op jobs, one Worker (concurrency 1), ${rounds} rounds, order alternating; median [min–max]`,
    names.map((name, v) => ({
      enqueued: name,
      'jobs/s': spread(rates[v]!, 0),
      'ratio to bare, per round': spread(ratios[v]!, 2, 'x'),
    })),
  );
}

// ---- progress latency --------------------------------------------------------------------------
async function progressLatency(ctx: BenchContext, dir: string): Promise<void> {
  const realFfmpeg = await onPath('ffmpeg');
  const shim = path.join(dir, 'bin');
  await mkdir(shim);
  await symlink(path.join(import.meta.dirname, 'support', 'ffmpeg-timestamps.mjs'), path.join(shim, 'ffmpeg'));
  const stamps = path.join(dir, 'progress-stamps.jsonl');
  await writeFile(stamps, '');
  const saved = { PATH: process.env.PATH, FFMPEG_REAL: process.env.FFMPEG_REAL, FFMPEG_TIMESTAMPS: process.env.FFMPEG_TIMESTAMPS };
  Object.assign(process.env, { PATH: `${shim}${path.delimiter}${process.env.PATH}`, FFMPEG_REAL: realFfmpeg, FFMPEG_TIMESTAMPS: stamps });
  const app = await createApp({
    databaseUrl: ctx.services.databaseUrl,
    redisUrl: ctx.services.redisUrl,
    redisPrefix: `${ctx.services.redisPrefix}app:`,
    port: 0,
    mediaDir: path.join(dir, 'media'),
    worker: { readrate: 1 }, // a block every 0.5 s of video, each a new percent: one update per block
  });
  let ws: WebSocket | undefined;
  try {
    const post = async (url: string, token: string | null, body?: unknown) => {
      const res = await fetch(`${app.url}${url}`, {
        method: 'POST',
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body ? { 'content-type': 'application/json' } : {}),
          origin: app.url,
        },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(10_000),
      });
      if (!res.ok) throw new Error(`POST ${url} answered ${res.status}: ${await res.text()}`);
      return (await res.json()) as Record<string, unknown>;
    };
    const token = (await post('/api/login', null, DEMO_LOGIN)).token as string;
    const ticket = (await post('/ws-ticket', token)).ticket as string;
    ws = new WebSocket(`${app.wsUrl}?ticket=${encodeURIComponent(ticket)}`, { origin: app.url });
    ws.on('error', () => {});
    const [welcome] = (await withDeadline(once(ws, 'message'), 10_000, 'the welcome message')) as [WebSocket.RawData];
    const { userId } = JSON.parse(welcome.toString()) as { userId: number };
    const received: Array<{ at: number; n: JobProgressNotification }> = [];
    let subscribed = () => {};
    let wake = () => {};
    ws.on('message', (raw) => {
      const at = now();
      const message = JSON.parse(raw.toString()) as { type: string; name?: string; data?: unknown };
      if (message.type === 'subscribed') subscribed();
      const n = message.type === 'event' ? parseNotification({ name: message.name!, data: message.data }) : null;
      if (n) received.push({ at, n });
      wake();
    });
    // As the dashboard does: job progress arrives on the user's own stream (lab 10's relay).
    const ready = new Promise<void>((resolve) => (subscribed = resolve));
    ws.send(JSON.stringify({ type: 'subscribe', stream: `user:${userId}`, id: 'me' }));
    await withDeadline(ready, 10_000, 'the answer to subscribe to the user stream');

    const prisma = createPrismaClient(ctx.services.databaseUrl);
    const clip = await (async () => {
      try {
        // The start queued the demo's pending and processing jobs: let them finish first, or their
        // ffmpeg blocks would land in the stamps file among the measured job's.
        await waitFor(async () => (await prisma.job.count({ where: { status: { in: ['pending', 'processing'] } } })) === 0, {
          timeoutMs: 60_000,
          message: 'the demo jobs queued at start to finish',
        });
        return await prisma.video.findFirstOrThrow({ where: { title: DEMO_CLIP_TITLE }, select: { id: true, sourcePath: true } });
      } finally {
        await prisma.$disconnect();
      }
    })();
    const { durationMs } = await probe(clip.sourcePath);
    const jobs = ctx.quick ? 1 : 4;
    const latencies: number[] = [];
    const finals: number[] = [];
    for (let j = 0; j < jobs; j++) {
      await writeFile(stamps, '');
      const started = await post(`/api/videos/${clip.id}/jobs`, token, { operation: Operation.TRANSCODE_480P });
      const jobId = (started.job as { jobId: number }).jobId;
      const finished = new Promise<void>((resolve) => {
        wake = () => received.some((r) => r.n.jobId === jobId && r.n.status === 'completed') && resolve();
        wake();
      });
      await withDeadline(finished, 60_000, `job ${jobId} to complete`);
      // Replay the stamped blocks through the runner's parser: the first block at a percent is the
      // one whose write the owner was told about (the writer sends only higher percents).
      const parser = new ProgressParser(durationMs);
      const firstAt = new Map<number, number>();
      let endAt = Number.NaN;
      for (const line of (await readFile(stamps, 'utf8')).split('\n').filter(Boolean)) {
        const { at, block } = JSON.parse(line) as { at: number; block: string };
        for (const p of parser.push(block)) {
          if (p.done) endAt = at;
          else if (!firstAt.has(p.percent)) firstAt.set(p.percent, at);
        }
      }
      for (const { at, n } of received.filter((r) => r.n.jobId === jobId)) {
        if (n.status === 'processing' && n.progress > 0 && firstAt.has(n.progress)) latencies.push(at - firstAt.get(n.progress)!);
        if (n.status === 'completed') finals.push(at - endAt);
      }
    }
    const fmt = (xs: number[]) =>
      `p50 ${percentile(xs, 50).toFixed(1)} ms, p99 ${percentile(xs, 99).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms (n = ${xs.length})`;
    ctx.table(
      `progress latency: ${jobs} transcodes of the ${(durationMs / 1000).toFixed(0)} s demo clip through the app (1 worker, readrate 1)`,
      [
        { from: 'ffmpeg writes a progress= block', to: "the owner's WebSocket receives the update", value: fmt(latencies) },
        { from: 'ffmpeg writes progress=end', to: 'the owner receives completed (file renamed, row written)', value: fmt(finals) },
      ],
    );
  } finally {
    ws?.terminate();
    await app.close();
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

async function onPath(tool: string): Promise<string> {
  for (const d of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(d, tool);
    if (
      await access(candidate, constants.X_OK).then(
        () => true,
        () => false,
      )
    )
      return candidate;
  }
  throw new Error(`${tool} is not on PATH`);
}
