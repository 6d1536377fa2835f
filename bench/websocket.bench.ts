// Lab 07's chat server next to bare `ws`, with the settings lab 07 ships (16 KiB maxPayload, the
// backpressure limits, the rate limits): nothing is raised for the broadcast rows.
//
//   room broadcast     200 clients (50 with --quick) in one room; every message goes to all of
//                      them. The same number of messages per run for both servers, runs
//                      alternated (bare, lab 07, lab 07, bare, ...) and repeated; the ratio is
//                      taken run pair by run pair. Lost = deliveries expected minus made.
//   slow consumer      the same, with one client that stops reading and bigger messages: what
//                      the server buffers for it, and the other clients' p99
//   request/reply      one socket: lab 07's ping -> pong (parsed, validated, rate-limited,
//                      encoded) vs a bare ws echo, interleaved call by call
//   memory             server bytes per idle connection
//
// The broadcast clients run in a child process (bench/support/ws-clients.mjs) so this process
// only serves; they connect from 127.0.0.2-127.0.0.17 so the per-address limit (64) holds.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { createInterface } from 'node:readline';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createClient, type RedisClientType } from 'redis';
import WebSocket, { WebSocketServer } from 'ws';
import { startChatServer, type ChatServer } from '../solutions/07-websocket-server/index.ts';
import { defineBench, percentile } from '../tools/bench/context.ts';
import { createPrismaClient, type PrismaClient } from '../prisma/client.ts';
import { ROOT } from '../tools/labs/meta.ts';
import { withDeadline } from '../tools/testing/wait.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** lab 07's default maxPayload (ChatServerOptions.maxPayload): the bare server gets the same. */
const MAX_PAYLOAD = 16 * 1024;
const LOCAL_ADDRESSES = Array.from({ length: 16 }, (_, i) => `127.0.0.${i + 2}`);
const median = (xs: number[]) => percentile(xs, 50);
const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 1 ? n.toFixed(2) : n.toPrecision(3));
const spread = (xs: number[], unit = '') => `${fmt(median(xs))}${unit} [${fmt(Math.min(...xs))}-${fmt(Math.max(...xs))}]`;

async function createSessions(prisma: PrismaClient, n: number): Promise<string[]> {
  const tag = randomBytes(4).toString('hex');
  await prisma.user.createMany({ data: Array.from({ length: n }, (_, i) => ({ email: `bench-${tag}-${i}@example.test`, name: `b${i}`, passwordHash: 'x' })) });
  const users = await prisma.user.findMany({ where: { email: { startsWith: `bench-${tag}-` } }, select: { id: true } });
  const tokens = users.map(() => randomBytes(24).toString('base64url'));
  const expiresAt = new Date(Date.now() + 3_600_000);
  await prisma.session.createMany({ data: users.map((u, i) => ({ token: tokens[i]!, userId: u.id, expiresAt })) });
  return tokens;
}

/** A bare ws server: every frame goes to every client (broadcast) or back to its sender (echo). */
async function bareServer(mode: 'broadcast' | 'echo'): Promise<{ wss: WebSocketServer; url: string }> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', maxPayload: MAX_PAYLOAD });
  await once(wss, 'listening');
  wss.on('connection', (ws) => {
    ws.on('error', () => {});
    ws.on('message', (data, isBinary) => {
      if (mode === 'echo') ws.send(data, { binary: isBinary });
      else for (const c of wss.clients) c.send(data, { binary: isBinary });
    });
  });
  return { wss, url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}` };
}

interface RunResult {
  expected: number;
  delivered: number;
  lost: number;
  elapsedMs: number;
  deliveredPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU time of the server process per delivered frame, in µs: far less sensitive to load than wall time. */
  serverCpuUsPerDelivery: number;
}

/** The client process for one server: open sockets, then one run per `run()` call. */
class Clients {
  private constructor(
    private readonly child: ChildProcessByStdio<Writable, Readable, null>,
    private readonly lines: AsyncIterator<string>,
  ) {}

  static async start(options: { url: string; headers: Array<Record<string, string> | null>; join: string | null }): Promise<Clients> {
    const config = JSON.stringify({ ...options, localAddresses: LOCAL_ADDRESSES });
    const child = spawn(process.execPath, [path.join(ROOT, 'bench/support/ws-clients.mjs'), config], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const clients = new Clients(child, lines);
    const first = await withDeadline(clients.next(), 60_000, 'bench clients did not connect');
    if (first !== 'ready') throw new Error(`bench clients: expected "ready", got ${first}`);
    return clients;
  }

  private async next(): Promise<string> {
    const { value, done } = await this.lines.next();
    if (done) throw new Error('bench clients exited');
    return value;
  }

  /** One run; `serverCpuUsPerDelivery` is this process's CPU time (the servers') per delivery. */
  async run(command: { messages: number; window: number; padBytes: number; paused?: number }): Promise<RunResult> {
    const cpu = process.cpuUsage();
    this.child.stdin.write(`${JSON.stringify({ cmd: 'run', ...command })}\n`);
    const result = JSON.parse(await withDeadline(this.next(), 120_000, 'a broadcast run did not finish')) as Omit<RunResult, 'serverCpuUsPerDelivery'>;
    const used = process.cpuUsage(cpu);
    return { ...result, serverCpuUsPerDelivery: (used.user + used.system) / result.delivered };
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.stdin.end(`${JSON.stringify({ cmd: 'exit' })}\n`);
    await exited;
  }
}

/** One socket asking and waiting for each answer: a `() => Promise` for ctx.compare. */
async function requester(url: string, headers: Record<string, string> | undefined, welcome: boolean, frame: () => string) {
  const ws = new WebSocket(url, { headers, perMessageDeflate: false });
  ws.on('error', () => {});
  await (welcome ? once(ws, 'message') : once(ws, 'open'));
  let waiting: (() => void) | undefined;
  ws.on('message', () => waiting?.());
  return {
    ask: () =>
      new Promise<void>((resolve) => {
        waiting = resolve;
        ws.send(frame());
      }),
    close: () => ws.terminate(),
  };
}

// The memory clients: a child process that opens one socket per token and prints "ready".
const MEMORY_CHILD = `
import WebSocket from 'ws';
let input = '';
process.stdin.on('data', (c) => (input += c));
process.stdin.on('end', async () => {
  const { url, tokens, localAddresses } = JSON.parse(input);
  const sockets = [];
  for (let i = 0; i < tokens.length; i += 100) {
    sockets.push(...(await Promise.all(tokens.slice(i, i + 100).map((t, k) => new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers: t ? { authorization: 'Bearer ' + t } : {}, localAddress: localAddresses[(i + k) % localAddresses.length] });
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
    })))));
  }
  console.log('ready');
  process.on('SIGTERM', () => process.exit(0));
  setInterval(() => {}, 1 << 30);
});
`;

function heap() {
  gc();
  gc();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, external: m.external };
}

/**
 * Server-side bytes per idle connection: memory while `n` connections from a child process are
 * open, minus memory once they are closed again, in the same warmed-up process.
 */
async function memoryPerConnection(url: string, tokens: Array<string | null>, connected: () => number): Promise<{ heap: number; external: number }> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', MEMORY_CHILD], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  const waitUntil = async (done: () => boolean, what: string) => {
    const deadline = Date.now() + 20_000;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`memory bench: ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  let open: ReturnType<typeof heap>;
  try {
    child.stdin.end(JSON.stringify({ url, tokens, localAddresses: LOCAL_ADDRESSES }));
    const ready = new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (c: Buffer) => c.toString().includes('ready') && resolve());
      child.once('exit', (code) => reject(new Error(`memory client exited with ${code}`)));
    });
    await withDeadline(ready, 60_000, 'memory clients did not connect');
    await waitUntil(() => connected() === tokens.length, 'not every connection reached the server');
    open = heap();
  } finally {
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  }
  await waitUntil(() => connected() === 0, 'connections did not close');
  const closed = heap();
  const n = tokens.length;
  return { heap: (open.heap - closed.heap) / n, external: (open.external - closed.external) / n };
}

export default defineBench('WebSocket server (lab 07) vs bare ws', async (ctx) => {
  const clients = ctx.quick ? 50 : 200;
  const messages = ctx.quick ? 100 : 300;
  const rounds = ctx.quick ? 3 : 5;
  const memoryConnections = ctx.quick ? 200 : 1000;
  const prisma = createPrismaClient(ctx.services.databaseUrl);
  const redis: RedisClientType = createClient({ url: ctx.services.redisUrl });
  redis.on('error', () => {});
  await redis.connect();
  const closers: Array<() => unknown> = [];
  try {
    const tokens = await createSessions(prisma, Math.max(memoryConnections, clients) + 1);
    // The shipped settings: nothing but where to find Postgres and Redis.
    const chat: ChatServer = await startChatServer({ prisma, redis, keyPrefix: ctx.services.redisPrefix });
    closers.push(() => chat.close());
    const bare = await bareServer('broadcast');
    closers.push(() => new Promise((resolve) => bare.wss.close(resolve)));

    // --- memory first, while the heap holds nothing but the servers
    const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
    await memoryPerConnection(chat.wsUrl, tokens.slice(0, 100), () => chat.stats().connections);
    const chatMemory = await memoryPerConnection(chat.wsUrl, tokens.slice(0, memoryConnections), () => chat.stats().connections);
    await memoryPerConnection(bare.url, Array(100).fill(null), () => bare.wss.clients.size);
    const bareMemory = await memoryPerConnection(bare.url, Array(memoryConnections).fill(null), () => bare.wss.clients.size);
    ctx.table(`server memory per idle connection (${memoryConnections} connections from a child process; open minus closed, after GC)`, [
      { server: 'bare ws', 'JS heap': kib(bareMemory.heap), external: kib(bareMemory.external) },
      { server: 'lab 07 (authenticated, registered)', 'JS heap': kib(chatMemory.heap), external: kib(chatMemory.external) },
    ]);

    // --- request/reply on one socket, interleaved call by call
    const echo = await bareServer('echo');
    closers.push(() => new Promise((resolve) => echo.wss.close(resolve)));
    // A loop of requests is far above any client's allowed rate (10/s), so this row alone runs
    // with the rate limit raised: the two token buckets are still taken on every message.
    const fast = await startChatServer({ prisma, redis, keyPrefix: ctx.services.redisPrefix, rateLimit: { capacity: 1e12, refillPerSecond: 1e12 }, userRateLimit: { capacity: 1e12, refillPerSecond: 1e12 } });
    closers.push(() => fast.close());
    let id = 0;
    const bareAsk = await requester(echo.url, undefined, false, () => `{"type":"ping","id":"${++id}"}`);
    const chatAsk = await requester(fast.wsUrl, { authorization: `Bearer ${tokens.at(-1)}` }, true, () => `{"type":"ping","id":"${++id}"}`);
    closers.push(bareAsk.close, chatAsk.close);
    await ctx.compare('request/reply on one socket', { 'bare ws echo': bareAsk.ask, 'lab 07 ping -> pong': chatAsk.ask }, { baseline: 'bare ws echo' });

    // --- room broadcast, 200 clients, runs alternated
    const bareClients = await Clients.start({ url: bare.url, headers: Array(clients).fill(null), join: null });
    closers.push(() => bareClients.close());
    const chatClients = await Clients.start({ url: chat.wsUrl, headers: tokens.slice(0, clients).map((t) => ({ authorization: `Bearer ${t}` })), join: 'bench' });
    closers.push(() => chatClients.close());
    const broadcast = { messages, window: 8, padBytes: 64 };
    await bareClients.run({ ...broadcast, messages: 50 }); // warm-up: JIT both paths
    await chatClients.run({ ...broadcast, messages: 50 });
    const runs = { bare: [] as RunResult[], chat: [] as RunResult[] };
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 ? (['chat', 'bare'] as const) : (['bare', 'chat'] as const);
      for (const side of order) runs[side].push(await (side === 'bare' ? bareClients : chatClients).run(broadcast));
    }
    const throughputRatio = runs.chat.map((c, i) => c.deliveredPerSec / runs.bare[i]!.deliveredPerSec);
    const p99Ratio = runs.chat.map((c, i) => c.p99Ms / runs.bare[i]!.p99Ms);
    const cpuRatio = runs.chat.map((c, i) => c.serverCpuUsPerDelivery / runs.bare[i]!.serverCpuUsPerDelivery);
    const describe = (rs: RunResult[]) => ({
      'delivered/s': spread(rs.map((r) => r.deliveredPerSec)),
      'p50 ms': spread(rs.map((r) => r.p50Ms)),
      'p99 ms': spread(rs.map((r) => r.p99Ms)),
      'lost (all runs)': `${rs.reduce((a, r) => a + r.lost, 0)} of ${rs.reduce((a, r) => a + r.expected, 0)}`,
      'server CPU us/delivery': spread(rs.map((r) => r.serverCpuUsPerDelivery)),
    });
    ctx.table(
      `room broadcast, ${clients} clients, ${messages} messages of ${broadcast.padBytes + 40} B per run, ${broadcast.window} in flight; median [min-max] of ${rounds} runs each, alternated`,
      [
        { server: 'bare ws (baseline)', ...describe(runs.bare), 'throughput ratio': '1.00x', 'p99 ratio': '1.00x', 'CPU ratio': '1.00x' },
        {
          server: 'lab 07 room broadcast (shipped settings)',
          ...describe(runs.chat),
          'throughput ratio': spread(throughputRatio, 'x'),
          'p99 ratio': spread(p99Ratio, 'x'),
          'CPU ratio': spread(cpuRatio, 'x'),
        },
      ],
    );

    // --- a slow consumer: client 0 stops reading while big messages flow
    // Enough bytes to fill the kernel's socket buffers on loopback (several MB) before ws queues any.
    const slow = { messages: ctx.quick ? 1500 : 3000, window: 16, padBytes: 8 * 1024 };
    const slowRows: Array<Record<string, string>> = [];
    for (const side of ['bare', 'chat'] as const) {
      // Sampled while the run goes on: the heartbeat may terminate the silent client before the end.
      let peak = 0;
      let droppedPeak = 0;
      const sample = setInterval(() => {
        if (side === 'bare') peak = Math.max(peak, ...[...bare.wss.clients].map((c) => c.bufferedAmount));
        else
          for (const c of chat.connections()) {
            peak = Math.max(peak, c.bufferedAmount);
            droppedPeak = Math.max(droppedPeak, c.dropped);
          }
      }, 5);
      const result = await (side === 'bare' ? bareClients : chatClients).run({ ...slow, paused: 0 });
      clearInterval(sample);
      const dropped = side === 'chat' ? String(droppedPeak) : '0 (no policy)';
      slowRows.push({
        server: side === 'bare' ? 'bare ws' : 'lab 07 (softLimit 256 KiB)',
        'peak send buffer of the slow client': kib(peak),
        'dropped for it': dropped,
        'other clients: p99 ms': fmt(result.p99Ms),
        'other clients: lost': `${result.lost} of ${result.expected}`,
      });
    }
    ctx.table(`slow consumer: 1 of ${clients} clients stops reading, ${slow.messages} messages of ${slow.padBytes / 1024} KiB`, slowRows);
  } finally {
    for (const close of closers.reverse()) await close();
    redis.destroy();
    await prisma.$disconnect();
  }
});
