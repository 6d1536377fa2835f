// Lab 10: what the lossless relay costs next to plain pub/sub, and how fast 1,000 clients recover.
//
//   room broadcast   2 instances (in this process, each with its own Redis connections), 200
//                    clients spread over both, all subscribed to one room; a sender on instance A
//                    sends M messages. deliveries/s, p50/p99 latency (send -> client), lost, duplicated.
//   recovery         1,000 clients connect at once to a freshly started instance, each resuming
//                    the room from a position 100 messages back: time until every client has all
//                    100, and messages lost or duplicated.
//
//   socket.io row   the same broadcast through socket.io 4 with @socket.io/redis-adapter (dev
//                    dependencies used only by this file): two socket.io servers on their own Redis
//                    connections, the same clients over socket.io-client (WebSocket transport), in
//                    the same run, so the rows compare side by side. No recovery row for it: its
//                    Redis adapter is plain pub/sub and keeps no history to resume from.
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

/** Resolves when `done()` holds, or after `timeoutMs` (then the caller counts what is missing). */
async function until(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done() && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
}

export default defineBench('lab 10: relay vs plain pub/sub across 2 instances', async (ctx) => {
  const prisma = createPrismaClient(ctx.services.databaseUrl);
  const clients = ctx.quick ? 50 : 200;
  const messages = ctx.quick ? 50 : 300;
  const resumers = ctx.quick ? 200 : 1000;
  try {
    const user = await prisma.user.create({ data: { email: 'bench-pubsub@example.test', name: 'Bench', passwordHash: 'x' } });
    const token = `bench-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    await prisma.session.create({ data: { token, userId: user.id, expiresAt: new Date(Date.now() + 3_600_000) } });

    const rows: Array<Record<string, string | number>> = [];
    for (const mode of ['pubsub', 'relay'] as const) {
      const prefix = `${ctx.services.redisPrefix}${mode}:`;
      const nodes = [await startNode(prisma, ctx.services.redisUrl, prefix, mode), await startNode(prisma, ctx.services.redisUrl, prefix, mode)];
      const sockets: WebSocket[] = [];
      try {
        const latencies: number[] = [];
        let received = 0;
        let duplicates = 0;
        const seen = new Set<string>();
        let subscribed = 0;
        for (let i = 0; i < clients; i += 1) {
          const ws = await open(nodes[i % 2]!.node.chat.wsUrl, token, (frame) => {
            if (frame.type === 'subscribed') subscribed += 1;
            if (frame.type !== 'message' || !frame.text) return;
            const [n, sentAt] = frame.text.split(':');
            const key = `${i}:${n}`;
            if (seen.has(key)) duplicates += 1;
            else {
              seen.add(key);
              received += 1;
              latencies.push(performance.now() - Number(sentAt));
            }
          });
          ws.send(JSON.stringify({ type: 'subscribe', stream: 'room:bench' }));
          sockets.push(ws);
        }
        await until(() => subscribed === clients, 30_000);
        const sender = await open(nodes[0]!.node.chat.wsUrl, token, () => {});
        sockets.push(sender);
        sender.send(JSON.stringify({ type: 'join', room: 'bench' }));

        const started = performance.now();
        for (let n = 0; n < messages; n += 1) {
          sender.send(JSON.stringify({ type: 'say', room: 'bench', text: `${n}:${performance.now()}` }));
          if (n % 20 === 19) await new Promise((resolve) => setImmediate(resolve));
        }
        const expected = clients * messages;
        await until(() => received >= expected, 60_000);
        const bus = mode === 'relay' ? 'relay (Redis Streams)' : 'plain pub/sub';
        rows.push(deliveryRow(bus, { clients, messages, received, duplicates, started, latencies }));
      } finally {
        for (const ws of sockets) ws.terminate();
        for (const n of nodes) await n.close();
      }
    }
    rows.push(await socketIoRow(ctx.services.redisUrl, `${ctx.services.redisPrefix}socket.io`, clients, messages));
    ctx.table(`room broadcast: ${clients} clients on 2 instances, ${messages} messages`, rows);

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
    await prisma.$disconnect();
  }
});

/** The room broadcast through socket.io + @socket.io/redis-adapter, measured as the rows above are. */
async function socketIoRow(redisUrl: string, key: string, clients: number, messages: number): Promise<Record<string, string | number>> {
  const servers = [await startSocketIo(redisUrl, key), await startSocketIo(redisUrl, key)];
  const sockets: SocketIoClient[] = [];
  try {
    const latencies: number[] = [];
    const seen = new Set<string>();
    let received = 0;
    let duplicates = 0;
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
      socket.on('message', (text: string) => {
        const [n, sentAt] = text.split(':');
        const key = `${i}:${n}`;
        if (seen.has(key)) duplicates += 1;
        else {
          seen.add(key);
          received += 1;
          latencies.push(performance.now() - Number(sentAt));
        }
      });
    }
    const sender = await connect(servers[0]!.url);
    // The join happens in the server's connection handler; a first message proves every client is in
    // the room on both servers before the clock starts (the adapter's subscription is per server).
    sender.emit('say', 'warmup:0');
    await until(() => received >= clients, 30_000);
    received = 0;
    seen.clear();
    latencies.length = 0;

    const started = performance.now();
    for (let n = 0; n < messages; n += 1) {
      sender.emit('say', `${n}:${performance.now()}`);
      if (n % 20 === 19) await new Promise((resolve) => setImmediate(resolve));
    }
    const expected = clients * messages;
    await until(() => received >= expected, 60_000);
    return deliveryRow('socket.io + @socket.io/redis-adapter', { clients, messages, received, duplicates, started, latencies });
  } finally {
    for (const socket of sockets) socket.disconnect();
    for (const server of servers) await server.close();
  }
}

/** What one broadcast run counted: `started` is a performance.now() reading (ms), latencies in ms. */
interface DeliveryCounts {
  clients: number;
  messages: number;
  received: number;
  duplicates: number;
  started: number;
  latencies: number[];
}

/** One table row: deliveries/s since `started`, p50/p99 latency (ms), lost = clients × messages − received. */
function deliveryRow(bus: string, run: DeliveryCounts) {
  const seconds = (performance.now() - run.started) / 1000;
  const latencies = [...run.latencies].sort((a, b) => a - b);
  return {
    bus,
    clients: String(run.clients),
    messages: String(run.messages),
    'deliveries/s': Math.round(run.received / seconds),
    'p50 ms': Number(percentile(latencies, 50).toFixed(2)),
    'p99 ms': Number(percentile(latencies, 99).toFixed(2)),
    lost: String(run.clients * run.messages - run.received),
    duplicated: String(run.duplicates),
  };
}
