// Each describe block drives many short-lived connections (connect, join, maybe type or leave,
// disconnect) through a fresh server, then counts what is left. One block per leak, in the order
// of the 🐨 LEAK markers in chat-server.ts and room-registry.ts.
//
// Counts are kept small enough for the whole file to run in a few seconds: a leak of one object
// per connection shows after a hundred connections as clearly as after a million. The heap test
// needs more (a few hundred) to rise above the noise of a warming-up process.
import { EventEmitter } from 'node:events';
import { createClient, type RedisClientType } from 'redis';
import { TcpProxy } from '../../tools/testing/tcp-proxy.ts';
import { describe, expect, onTestFinished, test } from 'vitest';
import { useRedis } from '../../tools/testing/test-env.ts';
import type WebSocket from 'ws';
import { connect, type WelcomedClient } from '../../tools/testing/ws-client.ts';
import { waitFor, withDeadline } from '../../tools/testing/wait.ts';
import { roomChannel, roomChannelPattern } from './channels.ts';
import { churn } from './connection-churn.ts';
import { createChatServer, type AnnouncementEvents, type ChatServer, type ChatServerOptions, type ChatStats } from './chat-server.ts';
import { activeResources, forceGc, liveHeapAfterGc } from './leak-probes.ts';
import { CloseCode, ErrorCode, type ClientMessage, type ServerMessage } from './protocol.ts';

const redis = useRedis();

/** Connections per leak test. */
const CYCLES = 100;
/** Connections in the heap test, after WARMUP connections that let one-time allocations happen. */
const HEAP_CYCLES = 500;
const WARMUP = 200;
/**
 * Heap growth allowed per connection in the heap test. Any one leak that keeps a closed socket
 * reachable costs about 5 KB per connection here; the fixed server stays under 0.5 KB.
 */
const HEAP_BYTES_PER_CYCLE = 2048;
/** Connections open at once while cycling. */
const CONCURRENCY = 16;
/** Distinct rooms the cycling connections spread over. */
const ROOMS = 20;
/** Time allowed for the server to finish releasing things after the last socket closed. */
const SETTLE_MS = 1500;
/**
 * How long a close() of a few local sockets may take. A fixed server's takes 20-40 ms even on a
 * 2-core machine at load 16; a starter's never ends, and every test that closes one waits this long.
 */
const CLOSE_MS = 1000;

const SERVER_FILE = 'labs/12-leak-fixes/chat-server.ts';

// ---- a server with its own bus and subscriber, torn down after the test ---------------------------

interface Rig {
  server: ChatServer;
  bus: EventEmitter<AnnouncementEvents>;
  subscriber: RedisClientType;
  /** activeResources() after the subscriber connected, just before the server started listening. */
  resourcesBeforeServer: Record<string, number>;
}

async function startRig(options: Partial<ChatServerOptions> = {}): Promise<Rig> {
  const subscriber = redis.client.duplicate();
  subscriber.on('error', () => {});
  await subscriber.connect();
  const bus = new EventEmitter<AnnouncementEvents>();
  // No limit: LEAK 1's test counts the listeners itself and names the fix. With Node's default
  // limit, each test on the starter would also print a MaxListenersExceededWarning on stderr,
  // outside any test (the warning is for a program like find-leaks.ts, whose limit is set to what it expects).
  bus.setMaxListeners(0);
  const resourcesBeforeServer = activeResources();
  const server = await createChatServer({
    publisher: redis.client,
    subscriber,
    prefix: redis.prefix,
    announcements: bus,
    typingMs: 60_000, // long enough that no typing timer ends by itself during a test
    ...options,
  });
  onTestFinished(async () => {
    for (const ws of server.wss.clients) ws.terminate();
    // A starter's close() may hang or reject: the LEAK 6 tests report that, teardown just moves on.
    await withDeadline(server.close(), CLOSE_MS, 'close()').catch(() => {});
    subscriber.destroy();
  });
  return { server, bus, subscriber, resourcesBeforeServer };
}

// ---- test clients -------------------------------------------------------------------------------

/** A long-lived test client (the workbook's one WebSocket test client), closed when the test ends. */
type Peer = WelcomedClient<{ userId: number; connectionId: string }>;

const connectPeer = (url: string, options: { autoPong?: boolean } = {}): Promise<Peer> =>
  connect<{ userId: number; connectionId: string }>(url, { ...options, closeAfterTest: true, timeoutMs: 2000 });

/** Sends a join and waits for the server to confirm it. */
async function join(peer: Peer, room: string): Promise<void> {
  peer.send({ type: 'join', room } satisfies ClientMessage);
  await peer.nextOf<Extract<ServerMessage, { type: 'joined' }>>('joined', `{ type: "joined", room: "${room}" }`, (m) => m.room === room, 2000);
}

/** The close code the client saw, once the server closed the socket. */
const closeCodeOf = async (peer: Peer): Promise<number> => (await peer.waitClosed('the socket to close', 2000)).code;

/** Runs `count` short-lived clients (CONCURRENCY at a time); client `i` sends `plan(i)`. Returns their ids. */
function runCycles(server: ChatServer, count: number, plan: (i: number) => ClientMessage[]): Promise<number[]> {
  return withDeadline(churn(server.url, count, plan, { concurrency: CONCURRENCY }), 15_000, `${count} connect/disconnect cycles`);
}

const room = (i: number) => `room-${i % ROOMS}`;

/** Waits until the server has seen every cycling socket close (ws's own count, which no leak can fake). */
async function socketsClosed(server: ChatServer, stillOpen: number): Promise<void> {
  await waitFor(() => server.stats().sockets === stillOpen, {
    timeoutMs: SETTLE_MS,
    message: `the server should see the cycling sockets close (wss.clients.size back to ${stillOpen})`,
  });
}

/** Polls `probe` until it returns `expected` or the deadline passes, then asserts it (with `message`). */
async function eventually<T>(probe: () => T | Promise<T>, expected: T, message: string): Promise<void> {
  const same = async () => JSON.stringify(await probe()) === JSON.stringify(expected);
  await waitFor(same, { timeoutMs: SETTLE_MS }).catch(() => {});
  expect(await probe(), message).toEqual(expected);
}

/**
 * Pending timers in the process. The test runner has a few of its own that come and go (its RPC
 * calls time out), so a test compares with a baseline and allows no more than that.
 */
const timeouts = () => activeResources().Timeout ?? 0;

async function timersBackTo(baseline: number, message: string): Promise<void> {
  // Sockets still closing have a timer each (ws's close timeout), at most two per client open at
  // once. Far more than that is not something that will settle: stop waiting.
  const hopeless = baseline + 2 * CONCURRENCY + 8;
  await waitFor(() => timeouts() <= baseline || timeouts() > hopeless, { timeoutMs: SETTLE_MS }).catch(() => {});
  expect(timeouts(), message).toBeLessThanOrEqual(baseline);
}

const statsLine = (s: ChatStats) => Object.entries(s).map(([k, v]) => `${k}=${v}`).join(', ');

// ---- the leaks ----------------------------------------------------------------------------------

describe('LEAK 1: listeners on the shared bus', () => {
  test(`after ${CYCLES} connections came and went, the bus holds only the live client's listener`, async () => {
    const { server, bus } = await startRig();
    const live = await connectPeer(server.url);

    await runCycles(server, CYCLES, () => []);
    await socketsClosed(server, 1);

    expect(
      bus.listenerCount('announce'),
      `🚨 one client is still connected, so the announcements bus should hold exactly 1 'announce' listener. ` +
        `Every closed connection left its own behind (what MaxListenersExceededWarning warns about): remove client.onAnnounce in the 'close' handler of ${SERVER_FILE} (LEAK 1)`,
    ).toBe(1);
    expect(server.stats().announceListeners, 'stats().announceListeners should count the real listeners').toBe(1);
    bus.emit('announce', 'maintenance at noon');
    expect(await live.nextOf('event', 'the announcement'), '🚨 the live client should still get announcements').toEqual({
      type: 'event',
      name: 'announcement',
      data: { text: 'maintenance at noon' },
    });
  });
});

describe('LEAK 2: empty rooms', () => {
  test(`rooms whose last member left or disconnected are deleted from the room map`, async () => {
    const { server } = await startRig();
    const live = await connectPeer(server.url);
    await join(live, 'lobby');

    // Even cycles leave their room before disconnecting, odd ones just disconnect.
    await runCycles(server, CYCLES, (i) =>
      i % 2 === 0 ? [{ type: 'join', room: `solo-${i}` }, { type: 'leave', room: `solo-${i}` }] : [{ type: 'join', room: `solo-${i}` }],
    );
    await socketsClosed(server, 1);
    await eventually(() => server.stats().memberships, 1, 'only the live client should still be a member of a room');

    expect(
      server.stats().rooms,
      `🚨 only "lobby" still has a member, so the room map should hold 1 room, not one per room ever used. ` +
        `Delete a room when its last member leaves: RoomRegistry.leave() in labs/12-leak-fixes/room-registry.ts (LEAK 2)`,
    ).toBe(1);
  });
});

describe('LEAK 3: timers', () => {
  test(`after ${CYCLES} connections that joined and typed came and went, no heartbeat or typing timer is left`, async () => {
    const { server } = await startRig();
    const baseline = timeouts();

    await runCycles(server, CYCLES, (i) => [
      { type: 'join', room: room(i) },
      { type: 'typing', room: room(i) },
      { type: 'join', room: 'lobby' },
    ]);
    await socketsClosed(server, 0);

    await timersBackTo(
      baseline,
      `🚨 process.getActiveResourcesInfo() should list no more Timeouts than before the connections (${baseline}). ` +
        `Each closed connection left its heartbeat interval and its typing timer running: ` +
        `clearInterval in the 'close' handler and clearTimeout in leaveRoom() of ${SERVER_FILE} (LEAK 3)`,
    );
  });

  test('peers that stop answering pings are terminated by the heartbeat, and their intervals go with them', async () => {
    const { server } = await startRig({ heartbeatMs: 25 });
    const baseline = timeouts();

    const silent = await Promise.all([1, 2, 3, 4, 5].map(() => connectPeer(server.url, { autoPong: false })));
    const codes = await Promise.all(silent.map((peer) => closeCodeOf(peer)));
    await socketsClosed(server, 0);

    expect(codes, 'the heartbeat should terminate peers that missed a pong (abnormal closure, 1006)').toEqual([1006, 1006, 1006, 1006, 1006]);
    await timersBackTo(
      baseline,
      `🚨 the terminated connections' heartbeat intervals should be cleared: clearInterval in the 'close' handler of ${SERVER_FILE} (LEAK 3)`,
    );
  });
});

describe('LEAK 4: Redis subscriptions', () => {
  test('leaving a room or disconnecting unsubscribes from its channel, and only the last member out unsubscribes', async () => {
    const { server } = await startRig();
    const [alice, bob] = await Promise.all([connectPeer(server.url), connectPeer(server.url)]);
    await Promise.all([join(alice, 'lobby'), join(bob, 'lobby')]);

    // Every third cycle leaves its room before disconnecting; all of them also join the lobby.
    await runCycles(server, CYCLES, (i) => [
      { type: 'join', room: 'lobby' },
      { type: 'join', room: room(i) },
      ...(i % 3 === 0 ? [{ type: 'leave' as const, room: room(i) }] : []),
    ]);
    await socketsClosed(server, 2);

    const lobby = roomChannel(redis.prefix, 'lobby');
    await eventually(
      () => redis.client.pubSubChannels(roomChannelPattern(redis.prefix)),
      [lobby],
      `🚨 PUBSUB CHANNELS should list exactly the lobby's channel: alice and bob are still in the lobby, every other room is empty. ` +
        `Rooms listed that everyone left: unsubscribe in leaveRoom() of ${SERVER_FILE} (LEAK 4). ` +
        `Lobby missing: you unsubscribed the whole channel; pass client.deliver too, so only that listener goes`,
    );
    expect(await redis.client.pubSubNumSub([lobby, roomChannel(redis.prefix, room(0))])).toEqual({
      [lobby]: 1,
      [roomChannel(redis.prefix, room(0))]: 0,
    });
    expect(server.stats().roomListeners, 'the subscriber should hold one message listener per remaining member (alice, bob)').toBe(2);
    bob.send({ type: 'say', room: 'lobby', text: 'one' });
    bob.send({ type: 'say', room: 'lobby', text: 'two' });
    const first = await alice.nextOf('message', 'bob\'s first message in the lobby');
    const second = await alice.nextOf('message', 'bob\'s second message in the lobby');
    expect(
      [first.text, second.text],
      '🚨 alice should still get every lobby message, once: unsubscribe only the leaving client\'s listener, not the whole channel',
    ).toEqual(['one', 'two']);
  });
});

describe('LEAK 5: the client directory', () => {
  test('a closed connection leaves the directory, so a direct message to it is refused', async () => {
    const { server } = await startRig();
    const [alice, bob] = await Promise.all([connectPeer(server.url), connectPeer(server.url)]);

    const gone = await runCycles(server, CYCLES, () => []);
    await socketsClosed(server, 2);

    expect(
      server.stats().clients,
      `🚨 two clients are connected, so the directory should hold 2 entries; each entry keeps its socket alive. ` +
        `Delete the client from \`clients\` in the 'close' handler of ${SERVER_FILE} (LEAK 5)`,
    ).toBe(2);
    alice.send({ type: 'dm', to: gone[0]!, text: 'are you there?' });
    const error = await alice.nextOf('error', 'an error reply to a direct message for a client that left');
    expect(error.code, 'a direct message to a client that left should be refused with user_offline').toBe(ErrorCode.USER_OFFLINE);
    alice.send({ type: 'dm', to: bob.welcome.userId, text: 'hi bob' });
    expect(await bob.nextOf('dm', 'alice\'s direct message')).toEqual({ type: 'dm', from: alice.welcome.userId, text: 'hi bob' });
  });
});

describe('LEAK 6: close()', () => {
  test('close() with clients connected closes them with 1001, stops listening, leaves no socket open, and can be called twice', async () => {
    const rig = await startRig();
    const { server } = rig;
    const peers = await Promise.all([1, 2, 3].map(() => connectPeer(server.url)));
    await Promise.all(peers.map((p, i) => join(p, `room-${i}`)));

    await withDeadline(
      server.close(),
      CLOSE_MS,
      `🚨 close() should resolve while clients are connected: close every socket in wss.clients with CloseCode.GOING_AWAY first (LEAK 6 in ${SERVER_FILE})`,
    );

    expect(await Promise.all(peers.map((p) => closeCodeOf(p))), 'every client should be closed with 1001 (going away)').toEqual([1001, 1001, 1001]);
    const tcp = (resources: Record<string, number>) => ({ sockets: resources.TCPSocketWrap ?? 0, servers: resources.TCPServerWrap ?? 0 });
    await eventually(
      () => tcp(activeResources()),
      tcp(rig.resourcesBeforeServer),
      'after close() the process should have the TCP sockets and servers it had before the chat server started',
    );
    await expect(
      withDeadline(server.close(), CLOSE_MS, 'a second close()'),
      `🚨 close() should be idempotent: return the first call's promise from \`closing\` (LEAK 6 in ${SERVER_FILE})`,
    ).resolves.toBeUndefined();
  });

  test('close() does not wait for a peer that never answers the close frame: it is terminated after shutdownTimeoutMs', async () => {
    const { server } = await startRig({ shutdownTimeoutMs: 200 });
    const mute = await connectPeer(server.url);
    mute.ws.pause(); // reads nothing more: the close frame is never answered (ws alone waits 30 s)

    await withDeadline(
      server.close(),
      200 + CLOSE_MS,
      `🚨 close() should end a peer that does not answer within shutdownTimeoutMs: use lab 07's closeWithin (LEAK 6 in ${SERVER_FILE})`,
    );

    expect(server.stats().sockets, 'every socket is gone once close() resolved').toBe(0);
  });

  test('close() resolves only after every connection released its Redis subscriptions (needs LEAK 4 fixed too)', async () => {
    const { server } = await startRig();
    const peers = await Promise.all([1, 2, 3].map(() => connectPeer(server.url)));
    await Promise.all(peers.map((p, i) => join(p, `room-${i}`)));

    await withDeadline(server.close(), CLOSE_MS, `close() did not resolve with clients connected (LEAK 6 in ${SERVER_FILE})`);

    expect(
      server.stats().roomListeners,
      `🚨 when close() resolves, every subscription should be released: await each client's \`inbox\` after wss.close() (LEAK 6 in ${SERVER_FILE})`,
    ).toBe(0);
    expect(await redis.client.pubSubChannels(roomChannelPattern(redis.prefix)), 'no room channel should be subscribed after close()').toEqual([]);
  });
});

describe('all fixed: memory', () => {
  test(`the live heap after a forced GC grows by less than ${HEAP_BYTES_PER_CYCLE} bytes per connection over ${HEAP_CYCLES} connections`, async () => {
    const { server } = await startRig();
    const plan = (i: number): ClientMessage[] => [
      { type: 'join', room: room(i) },
      { type: 'typing', room: room(i) },
      { type: 'join', room: 'lobby' },
    ];
    await runCycles(server, WARMUP, plan);
    await socketsClosed(server, 0);
    const before = await liveHeapAfterGc();

    await runCycles(server, HEAP_CYCLES, plan);
    await socketsClosed(server, 0);

    // The last few clients may still be unsubscribing: measure again until the heap is under budget.
    // Past twice the budget, though, it is not a straggler (they hold a few sockets at most): stop.
    const budget = HEAP_CYCLES * HEAP_BYTES_PER_CYCLE;
    let growth = 0;
    await waitFor(
      async () => {
        growth = (await liveHeapAfterGc()) - before;
        return growth < budget || growth > 2 * budget;
      },
      { timeoutMs: SETTLE_MS, intervalMs: 50 },
    ).catch(() => {});
    expect(
      growth,
      `🚨 the heap grew by ${Math.round(growth / 1024)} KB (${Math.round(growth / HEAP_CYCLES)} bytes per connection) after a forced GC, ` +
        `so closed connections are still reachable. Server state now: ${statsLine(server.stats())}. ` +
        `Fix LEAK 1-5 first, then take two heap snapshots and compare them (see the lesson)`,
    ).toBeLessThan(budget);
  });

  test(`every server-side socket is garbage-collected once it has closed`, async () => {
    const { server } = await startRig();
    const refs: Array<WeakRef<WebSocket>> = [];
    server.wss.on('connection', (ws) => refs.push(new WeakRef(ws)));

    await runCycles(server, CYCLES, (i) => [
      { type: 'join', room: room(i) },
      { type: 'typing', room: room(i) },
      { type: 'join', room: 'lobby' },
    ]);
    await socketsClosed(server, 0);

    const alive = async () => {
      await new Promise((resolve) => setImmediate(resolve));
      forceGc();
      return refs.filter((ref) => ref.deref() !== undefined).length;
    };
    // Clients still unsubscribing hold their sockets for a moment, but never more than were open at once.
    let stillAlive = 0;
    await waitFor(
      async () => {
        stillAlive = await alive();
        return stillAlive === 0 || stillAlive > CONCURRENCY;
      },
      { timeoutMs: SETTLE_MS, intervalMs: 20 },
    ).catch(() => {});
    expect(
      stillAlive,
      `🚨 of ${CYCLES} closed server-side sockets, this many are still reachable after a forced GC. ` +
        `Something long-lived references them: a bus listener, an interval, a Redis listener, the directory (LEAK 1, 3, 4, 5)`,
    ).toBe(0);
  });
});

// ---- bounds -------------------------------------------------------------------------------------

describe('BOUNDS: payloads, slow readers, a silent Redis', () => {
  test('a frame larger than maxPayload closes the socket with 1009 before it is buffered', async () => {
    const { server } = await startRig({ maxPayload: 1024 });
    const peer = await connectPeer(server.url);

    peer.sendRaw(JSON.stringify({ type: 'say', room: 'lobby', text: 'x'.repeat(64 * 1024) }));

    // A server without the bound reads the whole frame and answers it: that answer fails the test at once.
    const answered = peer.next('an answer').then((m) => {
      throw new Error(
        `🚨 the server read the whole 64 KB frame and answered ${JSON.stringify(m).slice(0, 80)} instead of closing with 1009: ` +
          `pass maxPayload to the WebSocketServer (BOUND 1 in ${SERVER_FILE})`,
      );
    });
    const code = await Promise.race([closeCodeOf(peer), answered]);
    expect(code, `🚨 pass maxPayload to the WebSocketServer (BOUND 1 in ${SERVER_FILE})`).toBe(CloseCode.MESSAGE_TOO_BIG);
  });

  test('room traffic to a reader that stopped is dropped past the soft limit: its buffer stays bounded', async () => {
    const softLimitBytes = 32 * 1024;
    const { server } = await startRig({ backpressure: { softLimitBytes, hardLimitBytes: 256 * 1024 }, maxPayload: 64 * 1024 });
    const [sender, slow] = await Promise.all([connectPeer(server.url), connectPeer(server.url)]);
    await join(sender, 'lobby');
    await join(slow, 'lobby');
    const text = 'x'.repeat(16 * 1024);
    const bound = softLimitBytes + text.length + 512;
    const buffered = () => Math.max(0, ...[...server.wss.clients].map((ws) => ws.bufferedAmount));

    slow.ws.pause(); // the kernel's buffers fill first (a few MB on loopback), then the server's
    let maxBuffered = 0;
    for (let i = 0; i < 1500 && maxBuffered <= bound; i += 1) {
      sender.send({ type: 'say', room: 'lobby', text });
      await sender.nextOf('message', `message ${i} back at the sender`);
      maxBuffered = Math.max(maxBuffered, buffered());
    }

    expect(maxBuffered, `🚨 the server kept queueing for a reader that stopped: drop past the soft limit with lab 07's decideSend (BOUND 2 in ${SERVER_FILE})`).toBeLessThanOrEqual(bound);
  });

  test('a message Redis does not take in time gets an "unavailable" error reply, not silence', async () => {
    const proxy = await TcpProxy.start(redis.url);
    onTestFinished(() => proxy.close());
    const publisher = createClient({ url: proxy.url, disableOfflineQueue: true });
    publisher.on('error', () => {});
    await publisher.connect();
    onTestFinished(() => publisher.destroy());
    const { server } = await startRig({ publisher: publisher as RedisClientType, redisTimeoutMs: 200 });
    const peer = await connectPeer(server.url);
    await join(peer, 'lobby');

    proxy.freeze();
    peer.send({ type: 'say', room: 'lobby', text: 'anyone?' });
    const answer = await withDeadline(peer.next('an answer to a message Redis never took'), 200 + CLOSE_MS, `🚨 publish() with a deadline (BOUND 3 in ${SERVER_FILE})`);
    proxy.thaw();

    expect(answer, `🚨 tell the sender: a ChannelUnavailableError reply (BOUND 3 in ${SERVER_FILE})`).toMatchObject({ type: 'error', code: ErrorCode.UNAVAILABLE });
  });
});
