// Leak hunting by hand: start the chat server, push connections through it, and print what is
// left. With --snapshots, also writes two heap snapshots to compare in Chrome DevTools.
//
//   npx tsx labs/12-leak-fixes/find-leaks.ts [connections] [--snapshots]
//
// Uses Redis at REDIS_URL (default redis://127.0.0.1:6379), under a prefix of its own.
import { EventEmitter } from 'node:events';
import { createClient } from 'redis';
import { roomChannelPattern } from './channels.ts';
import { createChatServer, type AnnouncementEvents } from './chat-server.ts';
import { churn } from './connection-churn.ts';
import { activeResources, liveHeapAfterGc, writeHeapSnapshot } from './leak-probes.ts';
import type { ClientMessage } from './protocol.ts';

const count = Number(process.argv.find((arg) => /^\d+$/.test(arg)) ?? 2000);
const snapshots = process.argv.includes('--snapshots');
const prefix = `find-leaks:${process.pid}:`;

const publisher = createClient({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' });
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

async function report(label: string): Promise<number> {
  while (server.stats().sockets > 0) await new Promise((resolve) => setTimeout(resolve, 10));
  const heap = await liveHeapAfterGc();
  const channels = await publisher.pubSubChannels(roomChannelPattern(prefix));
  console.log(`\n## ${label}`);
  console.log('server stats      ', server.stats());
  console.log('active resources  ', activeResources());
  console.log('subscribed rooms  ', channels.length);
  console.log('live heap         ', `${(heap / 1024 / 1024).toFixed(1)} MB`);
  return heap;
}

await churn(server.url, 200, plan); // warm-up: let the JIT and the buffers settle
const before = await report('after 200 warm-up connections');
const first = snapshots ? writeHeapSnapshot('chat-before') : undefined;

await churn(server.url, count, plan);
const after = await report(`after ${count} more connections`);
const second = snapshots ? writeHeapSnapshot('chat-after') : undefined;

console.log(`\nlive heap grew by ${((after - before) / 1024).toFixed(0)} KB: ${Math.round((after - before) / count)} bytes per connection`);
if (first && second) {
  console.log(`
heap snapshots:
  ${first}
  ${second}
Chrome → chrome://inspect → "Open dedicated DevTools for Node" → Memory → Load both files.
Select the second one, switch "Summary" to "Comparison" (against the first), sort by "# Delta":
a constructor whose count grew by about ${count} (WebSocket, Socket, Timeout, Closure…) is what leaks.
Click one instance and read its "Retainers" from the top: that is the chain keeping it alive.`);
}

// A leaky server's timers keep Node running, and its close() may never settle: give it a moment.
const closed = await Promise.race([server.close().then(() => true), new Promise((r) => setTimeout(r, 2000, false))]);
if (!closed) console.log('\nclose() did not settle within 2 s');
subscriber.destroy();
publisher.destroy();
process.exit(0);
