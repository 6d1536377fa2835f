// Lab 07's chat server on loopback: room broadcast to 1, 100 and 1,000 clients (delivered
// messages per second, p50/p99 latency from send to delivery) next to bare `ws` baselines
// measured in the same run (an echo server, and a broadcast server with no auth, no rooms and
// no checks), then the memory an idle authenticated connection costs the server.
//
// Clients and server share this process for the broadcast runs (latency is measured with one
// clock). For memory the clients run in a child process, so only the server's side is counted.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createClient, type RedisClientType } from 'redis';
import WebSocket, { WebSocketServer } from 'ws';
import { startChatServer, type ChatServer } from '../solutions/07-websocket-server/index.ts';
import { defineBench } from '../tools/bench/context.ts';
import { createPrismaClient, type PrismaClient } from '../prisma/client.ts';
import { ROOT } from '../tools/labs/meta.ts';
import { withDeadline } from '../tools/testing/wait.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

interface Endpoint {
  url: string;
  headers?: Record<string, string>;
}

/** Opens `endpoints.length` sockets, `batch` at a time, and waits until each is ready (welcome or open). */
async function openAll(endpoints: Endpoint[], waitForWelcome: boolean, batch = 100): Promise<WebSocket[]> {
  const sockets: WebSocket[] = [];
  for (let i = 0; i < endpoints.length; i += batch) {
    const opened = endpoints.slice(i, i + batch).map(async ({ url, headers }) => {
      const ws = new WebSocket(url, { headers });
      ws.on('error', () => {});
      if (waitForWelcome) await once(ws, 'message');
      else await once(ws, 'open');
      return ws;
    });
    sockets.push(...(await withDeadline(Promise.all(opened), 30_000, 'opening bench connections')));
  }
  return sockets;
}

async function closeAll(sockets: WebSocket[]): Promise<void> {
  await Promise.all(
    sockets.map((ws) => {
      if (ws.readyState === WebSocket.CLOSED) return undefined;
      const closed = once(ws, 'close');
      ws.terminate();
      return closed;
    }),
  );
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

interface RunResult {
  deliveredPerSec: number;
  p50Ms: number;
  p99Ms: number;
  messages: number;
}

/**
 * Sends up to `maxMessages` (at most `window` in flight, stopping after `timeMs`) through `send`,
 * and counts a message done when `fanout` receivers got it. Latency = send -> each delivery.
 */
async function measure(options: {
  receivers: WebSocket[];
  fanout: number;
  send: (seq: number, sentAt: number) => void;
  seqOf: (data: WebSocket.RawData) => number;
  maxMessages: number;
  timeMs: number;
  window: number;
}): Promise<RunResult> {
  const sentAt = new Map<number, number>();
  const remaining = new Map<number, number>();
  const latencies: number[] = [];
  let delivered = 0;
  let seq = 0;
  let done = 0;
  const started = performance.now();
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const sendNext = () => {
    if (seq >= options.maxMessages || performance.now() - started > options.timeMs) {
      if (done === seq) finish();
      return;
    }
    const now = performance.now();
    sentAt.set(seq, now);
    remaining.set(seq, options.fanout);
    options.send(seq, now);
    seq += 1;
  };
  const onMessage = (data: WebSocket.RawData) => {
    const n = options.seqOf(data);
    const at = sentAt.get(n);
    if (at === undefined) return;
    latencies.push(performance.now() - at);
    delivered += 1;
    const left = remaining.get(n)! - 1;
    if (left > 0) return void remaining.set(n, left);
    remaining.delete(n);
    sentAt.delete(n);
    done += 1;
    sendNext();
  };
  for (const ws of options.receivers) ws.on('message', onMessage);
  for (let i = 0; i < options.window; i++) sendNext();
  await withDeadline(finished, options.timeMs + 30_000, 'broadcast run did not finish');
  const elapsedS = (performance.now() - started) / 1000;
  for (const ws of options.receivers) ws.off('message', onMessage);
  latencies.sort((a, b) => a - b);
  return { deliveredPerSec: delivered / elapsedS, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), messages: done };
}

async function createSessions(prisma: PrismaClient, n: number): Promise<string[]> {
  const tag = randomBytes(4).toString('hex');
  await prisma.user.createMany({ data: Array.from({ length: n }, (_, i) => ({ email: `bench-${tag}-${i}@example.test`, name: `b${i}`, passwordHash: 'x' })) });
  const users = await prisma.user.findMany({ where: { email: { startsWith: `bench-${tag}-` } }, select: { id: true } });
  const tokens = users.map(() => randomBytes(24).toString('base64url'));
  const expiresAt = new Date(Date.now() + 3_600_000);
  await prisma.session.createMany({ data: users.map((u, i) => ({ token: tokens[i]!, userId: u.id, expiresAt })) });
  return tokens;
}

/** Lab 07 server: N authenticated members of one room; one of them broadcasts. */
async function chatBroadcast(server: ChatServer, tokens: string[], limits: { maxMessages: number; timeMs: number }): Promise<RunResult> {
  const sockets = await openAll(tokens.map((t) => ({ url: server.wsUrl, headers: { authorization: `Bearer ${t}` } })), true);
  try {
    await Promise.all(
      sockets.map(async (ws) => {
        const joined = once(ws, 'message');
        ws.send(JSON.stringify({ type: 'join', room: 'bench' }));
        await joined;
      }),
    );
    const pad = 'x'.repeat(64);
    return await measure({
      receivers: sockets,
      fanout: sockets.length,
      send: (seq) => sockets[0]!.send(JSON.stringify({ type: 'say', room: 'bench', text: `${seq}|${pad}` })),
      seqOf: (data) => {
        const m = JSON.parse(data.toString()) as { text?: string };
        return m.text ? Number(m.text.slice(0, m.text.indexOf('|'))) : -1;
      },
      window: 8,
      ...limits,
    });
  } finally {
    await closeAll(sockets);
  }
}

/** Bare ws: every frame goes back to its sender (echo) or to every client (broadcast). */
async function bareWs(mode: 'echo' | 'broadcast', clients: number, limits: { maxMessages: number; timeMs: number }): Promise<RunResult> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await once(wss, 'listening');
  wss.on('connection', (ws) => {
    ws.on('error', () => {});
    ws.on('message', (data, isBinary) => {
      if (mode === 'echo') ws.send(data, { binary: isBinary });
      else for (const c of wss.clients) c.send(data, { binary: isBinary });
    });
  });
  const { port } = wss.address() as AddressInfo;
  const sockets = await openAll(Array.from({ length: clients }, () => ({ url: `ws://127.0.0.1:${port}` })), false);
  try {
    const pad = 'x'.repeat(64);
    return await measure({
      receivers: sockets,
      fanout: mode === 'echo' ? 1 : sockets.length,
      send: (seq) => sockets[0]!.send(`${seq}|${pad}`),
      seqOf: (data) => {
        const text = data.toString();
        return Number(text.slice(0, text.indexOf('|')));
      },
      window: 8,
      ...limits,
    });
  } finally {
    await closeAll(sockets);
    await new Promise((resolve) => wss.close(resolve));
  }
}

// The memory clients: a child process that opens one socket per line of stdin and prints "ready".
const CHILD = `
import WebSocket from 'ws';
let input = '';
process.stdin.on('data', (c) => (input += c));
process.stdin.on('end', async () => {
  const { url, tokens } = JSON.parse(input);
  const sockets = [];
  for (let i = 0; i < tokens.length; i += 100) {
    sockets.push(...(await Promise.all(tokens.slice(i, i + 100).map((t) => new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers: t ? { authorization: 'Bearer ' + t } : {} });
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
 * open, minus memory once they are closed again. Both readings come from the same warmed-up
 * process (JIT, parser free lists), so only what the connections themselves hold remains.
 */
async function memoryPerConnection(url: string, tokens: Array<string | null>, connected: () => number): Promise<{ heap: number; external: number }> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  const waitUntil = async (done: () => boolean, what: string) => {
    const deadline = Date.now() + 20_000;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`memory bench: ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  let open: ReturnType<typeof heap>;
  try {
    child.stdin.end(JSON.stringify({ url, tokens }));
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

export default defineBench('WebSocket server (lab 07)', async (ctx) => {
  const sizes = ctx.quick ? [1, 20, 100] : [1, 100, 1000];
  const limits = { maxMessages: ctx.quick ? 200 : 2000, timeMs: ctx.quick ? 500 : 2000 };
  const memoryConnections = ctx.quick ? 200 : 1000;
  const prisma = createPrismaClient(ctx.services.databaseUrl);
  const redis: RedisClientType = createClient({ url: ctx.services.redisUrl });
  redis.on('error', () => {});
  await redis.connect();
  let server: ChatServer | undefined;
  try {
    const tokens = await createSessions(prisma, Math.max(memoryConnections, sizes.at(-1)!));
    server = await startChatServer({
      prisma,
      redis,
      keyPrefix: ctx.services.redisPrefix,
      rateLimit: { capacity: 1e9, refillPerSecond: 1e9 },
      backpressure: { softLimitBytes: 64 * 1024 * 1024, hardLimitBytes: 256 * 1024 * 1024 },
    });

    const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
    // Memory first, while the heap holds nothing but the server. One round of connections first:
    // Node keeps freed HTTP parsers and the JIT needs a warm-up, and neither should count.
    const s = server;
    await memoryPerConnection(s.wsUrl, tokens.slice(0, 100), () => s.stats().connections);
    const chatMemory = await memoryPerConnection(s.wsUrl, tokens.slice(0, memoryConnections), () => s.stats().connections);
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await once(wss, 'listening');
    wss.on('connection', (ws) => ws.on('error', () => {}));
    const barePort = (wss.address() as AddressInfo).port;
    await memoryPerConnection(`ws://127.0.0.1:${barePort}`, Array(100).fill(null), () => wss.clients.size);
    const bareMemory = await memoryPerConnection(`ws://127.0.0.1:${barePort}`, Array(memoryConnections).fill(null), () => wss.clients.size);
    await new Promise((resolve) => wss.close(resolve));
    ctx.table(`Server memory per idle connection (${memoryConnections} connections from a child process; open minus closed, after GC)`, [
      { server: 'bare ws', 'JS heap': kib(bareMemory.heap), external: kib(bareMemory.external) },
      { server: 'lab 07 (authenticated, registered)', 'JS heap': kib(chatMemory.heap), external: kib(chatMemory.external) },
    ]);

    // Warm-up: JIT-compile both paths before anything is measured.
    await bareWs('echo', 1, { maxMessages: 200, timeMs: 300 });
    await chatBroadcast(server, tokens.slice(0, 1), { maxMessages: 200, timeMs: 300 });

    const rows: Array<Record<string, string | number>> = [];
    const row = (name: string, clients: number, r: RunResult) =>
      rows.push({ server: name, clients: String(clients), messages: String(r.messages), 'delivered/s': r.deliveredPerSec, 'p50 ms': r.p50Ms, 'p99 ms': r.p99Ms });
    const echo = await bareWs('echo', 1, limits);
    row('bare ws echo (baseline)', 1, echo);
    for (const n of sizes) {
      const bare = await bareWs('broadcast', n, limits);
      row('bare ws broadcast', n, bare);
      const chat = await chatBroadcast(server, tokens.slice(0, n), limits);
      row('lab 07 room broadcast', n, chat);
    }
    ctx.table('Room broadcast on loopback (window of 8 messages in flight; latency = send to each delivery)', rows);

  } finally {
    await server?.close();
    redis.destroy();
    await prisma.$disconnect();
  }
});
