// Leak hunting by hand: start the chat server, push connections through it, and print what is
// left. With --snapshots, also writes two heap snapshots to compare in Chrome DevTools.
//
//   npx tsx labs/12-leak-fixes/find-leaks.ts [connections] [--snapshots] [--json]
//
// Uses Redis at REDIS_URL (default redis://127.0.0.1:6379), under a prefix of its own.
// --json prints one line of JSON instead (bench/leaks.bench.ts reads it).
import { EventEmitter } from 'node:events';
import { createClient } from 'redis';
import { defaultRedisUrl } from '../../prisma/urls.ts';
import { roomChannelPattern } from './channels.ts';
import { createChatServer, type AnnouncementEvents, type ChatStats } from './chat-server.ts';
import { churn } from './connection-churn.ts';
import { activeResources, liveHeapAfterGc, writeHeapSnapshot } from './leak-probes.ts';
import type { ClientMessage } from './protocol.ts';

const WARMUP = 200;
const count = Number(process.argv.find((arg) => /^\d+$/.test(arg)) ?? 2000);
const snapshots = process.argv.includes('--snapshots');
const json = process.argv.includes('--json');
const prefix = `find-leaks:${process.pid}:`;

const publisher = createClient({ url: defaultRedisUrl() });
publisher.on('error', (error) => console.error('redis:', error.message));
await publisher.connect();
const subscriber = publisher.duplicate();
subscriber.on('error', () => {}); // the publisher reports connection problems once
await subscriber.connect();
const announcements = new EventEmitter<AnnouncementEvents>();
// 16 clients at once, one listener each: set the limit to what you expect, so the warning still
// fires when listeners pile up.
announcements.setMaxListeners(32);
const server = await createChatServer({ publisher, subscriber, prefix, announcements });

const plan = (i: number): ClientMessage[] => [
  { type: 'join', room: `room-${i % 20}` },
  { type: 'typing', room: `room-${i % 20}` },
  { type: 'join', room: 'lobby' },
];

interface Measurement {
  stats: ChatStats;
  resources: Record<string, number>;
  subscribedRooms: number;
  liveHeap: number;
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 10));

async function measure(label: string): Promise<Measurement> {
  while (server.stats().sockets > 0) await tick();
  // The last clients may still be unsubscribing: give them half a second to finish.
  for (const end = Date.now() + 500; server.stats().roomListeners > 0 && Date.now() < end; ) await tick();
  const m: Measurement = {
    liveHeap: await liveHeapAfterGc(),
    stats: server.stats(),
    resources: activeResources(),
    subscribedRooms: (await publisher.pubSubChannels(roomChannelPattern(prefix))).length,
  };
  if (!json) {
    console.log(`\n## ${label}`);
    console.log('server stats      ', m.stats);
    console.log('active resources  ', m.resources);
    console.log('subscribed rooms  ', m.subscribedRooms);
    console.log('live heap         ', `${(m.liveHeap / 1024 / 1024).toFixed(1)} MB`);
  }
  return m;
}

await churn(server.url, WARMUP, plan); // warm-up: let the JIT and the buffers settle
const before = await measure(`after ${WARMUP} warm-up connections`);
const first = snapshots ? writeHeapSnapshot('chat-before') : undefined;

const started = performance.now();
await churn(server.url, count, plan);
const seconds = (performance.now() - started) / 1000;
const after = await measure(`after ${count} more connections`);
const second = snapshots ? writeHeapSnapshot('chat-after') : undefined;

// A leaky server's timers keep Node running, and its close() may never settle: give it a moment.
const closed = await Promise.race([server.close().then(() => true), new Promise<boolean>((r) => setTimeout(r, 2000, false))]);

const growth = after.liveHeap - before.liveHeap;
if (json) {
  console.log(JSON.stringify({ count, seconds, growth, before, after, closed }));
} else {
  console.log(`\nlive heap grew by ${(growth / 1024).toFixed(0)} KB: ${Math.round(growth / count)} bytes per connection`);
  if (!closed) console.log('close() did not settle within 2 s');
  if (first && second) {
    console.log(`
heap snapshots:
  ${first}
  ${second}
Chrome → chrome://inspect → "Open dedicated DevTools for Node" → Memory → Load both files.
Select the second one, switch "Summary" to "Comparison" (against the first), sort by "# Delta":
a constructor whose count grew by about ${count} (WebSocket, Socket, Timeout, closures…) is what leaks.
Click one instance and read its "Retainers" from the top: that is the chain keeping it alive.`);
  }
}
subscriber.destroy();
publisher.destroy();
process.exit(0);
