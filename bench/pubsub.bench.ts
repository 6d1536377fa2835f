// Lab 10: what the lossless relay costs next to plain pub/sub, and how fast 1,000 clients recover.
//
//   room broadcast   2 instances (in this process, each with its own Redis connections), 200
//                    clients spread over both, all subscribed to one room; a sender on instance A
//                    sends M messages. deliveries/s, p50/p99 latency (send -> client), lost, duplicated.
//                    Plain pub/sub, the relay and socket.io (below) are all set up first, then run
//                    in rounds whose order rotates (A B C, B C A, C A B, ...); the table gives the
//                    median [min-max] of the rounds and each bus's ratio to plain pub/sub, taken
//                    round by round, so a machine that gets busier mid-run slows every bus alike.
//   recovery         1,000 clients connect at once to a freshly started instance, each resuming
//                    the room from a position 100 messages back: time until every client has all
//                    100, and messages lost or duplicated.
//
//   socket.io row   the same broadcast through socket.io 4 with @socket.io/redis-adapter (dev
//                    dependencies used only by this file): two socket.io servers on their own Redis
//                    connections, the same number of clients over socket.io-client (WebSocket
//                    transport). No recovery row for it: its Redis adapter is plain pub/sub and
//                    keeps no history to resume from.
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdapter } from '@socket.io/redis-adapter';
import { Server as SocketIoServer } from 'socket.io';
import { io as socketIoClient, type Socket as SocketIoClient } from 'socket.io-client';
import { createClient, type RedisClientType } from 'redis';
import WebSocket from 'ws';
import { defineBench } from '../tools/bench/context.ts';
import { createPrismaClient, type PrismaClient } from '../prisma/client.ts';
import { startClusterNode, type ClusterMode, type ClusterNode } from '../solutions/10-pubsub-scaling/index.ts';

interface Node {
  node: ClusterNode;
  close(): Promise<void>;
}

async function startNode(prisma: PrismaClient, redisUrl: string, prefix: string, mode: ClusterMode): Promise<Node> {
  const redis: RedisClientType = createClient({ url: redisUrl });
  const subscriber: RedisClientType = redis.duplicate();
  for (const c of [redis, subscriber]) c.on('error', () => {});
  await Promise.all([redis.connect(), subscriber.connect()]);
  const node = await startClusterNode({
    prisma,
    redis,
    subscriber,
    keyPrefix: prefix,
    mode,
    rateLimit: { capacity: 1e6, refillPerSecond: 1e6 },
    userRateLimit: { capacity: 1e6, refillPerSecond: 1e6 },
    maxConnectionsPerUser: 10_000,
    maxConnectionsPerIp: 10_000,
  });
  return {
    node,
    close: async () => {
      await node.close();
      redis.destroy();
      subscriber.destroy();
    },
  };
}

type Frame = { type: string; text?: string; replayed?: number; pos?: { offset: string } };

/** A raw ws client that counts what it receives; `onFrame` sees every parsed frame. */
async function open(url: string, token: string, onFrame: (frame: Frame) => void): Promise<WebSocket> {
  const ws = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } });
  ws.on('error', () => {});
  ws.on('message', (data) => onFrame(JSON.parse(data.toString()) as Frame));
  await once(ws, 'open');
  return ws;
}

/** A socket.io server joined to the others by @socket.io/redis-adapter; every client joins room `bench`. */
async function startSocketIo(redisUrl: string, key: string) {
  const pub: RedisClientType = createClient({ url: redisUrl });
  const sub: RedisClientType = pub.duplicate();
  for (const c of [pub, sub]) c.on('error', () => {});
  await Promise.all([pub.connect(), sub.connect()]);
  const server = http.createServer();
  const io = new SocketIoServer(server, { adapter: createAdapter(pub, sub, { key }) });
  io.on('connection', (socket) => {
    void socket.join('bench');
    socket.on('say', (text: string) => void io.to('bench').emit('message', text));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      await io.close(); // closes the HTTP server too; the adapter's UNSUBSCRIBE may still be on its way
      await Promise.all([pub.close(), sub.close()]); // so close gracefully: destroy() would reject it unhandled
    },
  };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const median = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50);
const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n >= 1 ? n.toFixed(2) : n.toPrecision(3));
const count = (n: number) => n.toLocaleString('en-US');
const spread = (xs: number[], unit = '') => `${fmt(median(xs))}${unit} [${fmt(Math.min(...xs))}-${fmt(Math.max(...xs))}]`;

/** Resolves when `done()` holds, or after `timeoutMs` (then the caller counts what is missing). */
async function until(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done() && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
}

/** What one broadcast run counted. Times in ms; `seconds` runs from the first send to the last delivery. */
interface RunResult {
  expected: number;
  received: number;
  duplicates: number;
  seconds: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * The receiving side of one bus: every client's deliveries are counted against the current run
 * only (a run's messages carry its number, so a straggler from a run that timed out is ignored).
 */
class Deliveries {
  private run = { id: 0, expected: 0, seen: new Set<string>(), received: 0, duplicates: 0, latencies: [] as number[], started: 0, finished: 0 };

  /** Text for message `n` of the current run: "run:n:sentAt". */
  text(n: number): string {
    return `${this.run.id}:${n}:${performance.now()}`;
  }

  /** Client `client` received `text`. */
  receive(client: number, text: string): void {
    const [run, n, sentAt] = text.split(':');
    const r = this.run;
    if (Number(run) !== r.id) return;
    const key = `${client}:${n}`;
    if (r.seen.has(key)) {
      r.duplicates += 1;
      return;
    }
    r.seen.add(key);
    r.received += 1;
    const now = performance.now();
    r.latencies.push(now - Number(sentAt));
    if (r.received === r.expected) r.finished = now;
  }

  /** Starts a run, calls `send(n)` for each of `messages` (yielding every 20), waits for every delivery (60 s at most). */
  async measure(clients: number, messages: number, send: (n: number) => void): Promise<RunResult> {
    const expected = clients * messages;
    const r = { id: this.run.id + 1, expected, seen: new Set<string>(), received: 0, duplicates: 0, latencies: [] as number[], started: performance.now(), finished: 0 };
    this.run = r;
    for (let n = 0; n < messages; n += 1) {
      send(n);
      if (n % 20 === 19) await new Promise((resolve) => setImmediate(resolve));
    }
    await until(() => r.received >= expected, 60_000);
    const latencies = [...r.latencies].sort((a, b) => a - b);
    return {
      expected,
      received: r.received,
      duplicates: r.duplicates,
      seconds: ((r.finished || performance.now()) - r.started) / 1000,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
    };
  }
}

/** A bus set up with its clients connected and in the room, ready to broadcast run after run. */
interface Broadcast {
  bus: string;
  run(messages: number): Promise<RunResult>;
  close(): Promise<void>;
}

/** Two cluster nodes (lab 10's solution) in `mode`, `clients` raw ws clients subscribed to room:bench, a sender on node A. */
async function clusterBroadcast(prisma: PrismaClient, redisUrl: string, prefix: string, mode: ClusterMode, clients: number, token: string): Promise<Broadcast> {
  const nodes = [await startNode(prisma, redisUrl, prefix, mode), await startNode(prisma, redisUrl, prefix, mode)];
  const sockets: WebSocket[] = [];
  const close = async () => {
    for (const ws of sockets) ws.terminate();
    for (const n of nodes) await n.close();
  };
  try {
    const deliveries = new Deliveries();
    let subscribed = 0;
    for (let i = 0; i < clients; i += 1) {
      const ws = await open(nodes[i % 2]!.node.chat.wsUrl, token, (frame) => {
        if (frame.type === 'subscribed') subscribed += 1;
        if (frame.type === 'message' && frame.text) deliveries.receive(i, frame.text);
      });
      ws.send(JSON.stringify({ type: 'subscribe', stream: 'room:bench' }));
      sockets.push(ws);
    }
    await until(() => subscribed === clients, 30_000);
    const sender = await open(nodes[0]!.node.chat.wsUrl, token, () => {});
    sockets.push(sender);
    sender.send(JSON.stringify({ type: 'join', room: 'bench' }));
    return {
      bus: mode === 'relay' ? 'relay (Redis Streams)' : 'plain pub/sub',
      run: (messages) => deliveries.measure(clients, messages, (n) => sender.send(JSON.stringify({ type: 'say', room: 'bench', text: deliveries.text(n) }))),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The same broadcast through two socket.io servers joined by @socket.io/redis-adapter. */
async function socketIoBroadcast(redisUrl: string, key: string, clients: number): Promise<Broadcast> {
  const servers = [await startSocketIo(redisUrl, key), await startSocketIo(redisUrl, key)];
  const sockets: SocketIoClient[] = [];
  const close = async () => {
    for (const socket of sockets) socket.disconnect();
    for (const server of servers) await server.close();
  };
  try {
    const deliveries = new Deliveries();
    const connect = async (url: string) => {
      const socket = socketIoClient(url, { transports: ['websocket'], reconnection: false });
      sockets.push(socket);
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      return socket;
    };
    for (let i = 0; i < clients; i += 1) {
      const socket = await connect(servers[i % 2]!.url);
      socket.on('message', (text: string) => deliveries.receive(i, text));
    }
    const sender = await connect(servers[0]!.url);
    return {
      bus: 'socket.io + @socket.io/redis-adapter',
      run: (messages) => deliveries.measure(clients, messages, (n) => sender.emit('say', deliveries.text(n))),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

export default defineBench('lab 10: relay vs plain pub/sub across 2 instances', async (ctx) => {
  const prisma = createPrismaClient(ctx.services.databaseUrl);
  const clients = ctx.quick ? 50 : 200;
  const messages = ctx.quick ? 50 : 300;
  const rounds = ctx.quick ? 3 : 5;
  const resumers = ctx.quick ? 200 : 1000;
  const closers: Array<() => Promise<void>> = [];
  try {
    const user = await prisma.user.create({ data: { email: 'bench-pubsub@example.test', name: 'Bench', passwordHash: 'x' } });
    const token = `bench-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    await prisma.session.create({ data: { token, userId: user.id, expiresAt: new Date(Date.now() + 3_600_000) } });

    const buses: Broadcast[] = [];
    for (const mode of ['pubsub', 'relay'] as const) {
      buses.push(await clusterBroadcast(prisma, ctx.services.redisUrl, `${ctx.services.redisPrefix}${mode}:`, mode, clients, token));
      closers.push(buses.at(-1)!.close);
    }
    buses.push(await socketIoBroadcast(ctx.services.redisUrl, `${ctx.services.redisPrefix}socket.io`, clients));
    closers.push(buses.at(-1)!.close);
    // Warm-up: JIT every path; for socket.io it also proves every client is in the room on both
    // servers (the join happens in the server's connection handler) before the clock starts.
    for (const bus of buses) {
      const warm = await bus.run(20);
      if (warm.received < warm.expected) throw new Error(`${bus.bus}: the warm-up delivered ${warm.received} of ${warm.expected}`);
    }
    const results: RunResult[][] = buses.map(() => []);
    for (let r = 0; r < rounds; r++) {
      for (let k = 0; k < buses.length; k++) {
        const b = (r + k) % buses.length; // the order rotates every round
        results[b]!.push(await buses[b]!.run(messages));
      }
    }
    const perSecond = (x: RunResult) => x.received / x.seconds;
    const base = results[0]!;
    ctx.table(
      `room broadcast: ${clients} clients on 2 instances, ${messages} messages per run; median [min-max] of ${rounds} runs per bus, order rotating; ratios to plain pub/sub, round by round`,
      buses.map((bus, b) => {
        const rs = results[b]!;
        return {
          bus: bus.bus,
          'deliveries/s': spread(rs.map(perSecond)),
          'p50 ms': spread(rs.map((x) => x.p50Ms)),
          'p99 ms': spread(rs.map((x) => x.p99Ms)),
          'deliveries/s ratio': b === 0 ? '1.00x' : spread(rs.map((x, i) => perSecond(x) / perSecond(base[i]!)), 'x'),
          'p99 ratio': b === 0 ? '1.00x' : spread(rs.map((x, i) => x.p99Ms / base[i]!.p99Ms), 'x'),
          'lost (all runs)': `${count(rs.reduce((sum, x) => sum + x.expected - x.received, 0))} of ${count(rs.reduce((sum, x) => sum + x.expected, 0))}`,
          'duplicated (all runs)': count(rs.reduce((sum, x) => sum + x.duplicates, 0)),
        };
      }),
    );
    while (closers.length) await closers.pop()!();

    // Recovery: a room with 100 messages after an anchor; 1,000 clients resume from the anchor at
    // once on an instance that was just (re)started.
    const prefix = `${ctx.services.redisPrefix}recovery:`;
    const first = await startNode(prisma, ctx.services.redisUrl, prefix, 'relay');
    const anchor = await first.node.publish('room:recover', { type: 'message', room: 'recover', from: user.id, text: 'anchor' });
    for (let n = 0; n < 100; n += 1) await first.node.publish('room:recover', { type: 'message', room: 'recover', from: user.id, text: `r${n}` });
    await first.close();
    const restarted = await startNode(prisma, ctx.services.redisUrl, prefix, 'relay');
    const sockets: WebSocket[] = [];
    try {
      let caughtUp = 0;
      let lost = 0;
      let duplicated = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: resumers }, async () => {
          const got = new Set<string>();
          let dup = 0;
          const ws = await open(restarted.node.chat.wsUrl, token, (frame) => {
            if (frame.type === 'message' && frame.text) {
              if (got.has(frame.text)) dup += 1;
              got.add(frame.text);
            }
            if (frame.type === 'subscribed') {
              caughtUp += 1;
              lost += 100 - got.size;
              duplicated += dup;
            }
          });
          sockets.push(ws);
          ws.send(JSON.stringify({ type: 'subscribe', stream: 'room:recover', epoch: anchor.epoch, offset: anchor.offset }));
        }),
      );
      await until(() => caughtUp === resumers, 120_000);
      ctx.table('recovery: clients resuming at once after an instance restart, each 100 messages behind', [
        {
          clients: String(resumers),
          'all caught up after (ms)': String(Math.round(performance.now() - started)),
          'clients caught up': String(caughtUp),
          lost: String(lost),
          duplicated: String(duplicated),
        },
      ]);
    } finally {
      for (const ws of sockets) ws.terminate();
      await restarted.close();
    }
  } finally {
    while (closers.length) await closers.pop()!();
    await prisma.$disconnect();
  }
});
