// Each describe block drives many short-lived connections (connect, join, maybe type or leave,
// disconnect) through a fresh server, then counts what is left. One block per leak, in the order
// of the 🐨 LEAK markers in chat-server.ts and room-registry.ts.
//
// Counts are kept small enough for the whole file to run in a few seconds: a leak of one object
// per connection shows after fifty connections as clearly as after a million. The heap test
// needs more (a few hundred) to rise above the noise of a warming-up process.
//
// A leaky server fails each test as soon as the leak shows, not at a deadline: every wait below
// also stops once what it waits for can no longer happen (more timers, listeners or sockets left
// than can still be on their way out, a server that keeps answering after its close() began).
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
import { say } from '../../tools/testing/say.ts';
import { resolved } from '../../tools/testing/settled.ts';

const redis = useRedis();

/** Connections per leak test. */
const CYCLES = 50;
/**
 * Connections in the heap test, after WARMUP connections that let one-time allocations happen
 * (about 600 KB in the first 50 connections here; after 100, every round of 200 grows alike).
 */
const HEAP_CYCLES = 200;
const WARMUP = 100;
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
 * 2-core machine at load 16. A starter's never ends, but the tests see that sooner (closeServing).
 */
const CLOSE_MS = 1000;
/** How late past one of its own deadlines (redisTimeoutMs, shutdownTimeoutMs) a fixed server may answer on a loaded machine. */
const LATE_MS = 500;
/** Timers the test runner may hold for a moment besides the test's own (most of its timers are unref'd). */
const RUNNER_TIMERS = 8;
/**
 * Pings a server may still answer after close() began. A server that closes its sockets sends the
 * close frame before it reads the next ping; one that answers this many is not closing them.
 */
const PONGS_AFTER_CLOSE = 10;

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
    await withDeadline(server.close(), CLOSE_MS, say({ en: 'close()', ko: 'close()' })).catch(() => {});
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

/**
 * Calls server.close() while `probe` is connected and waits for it (at most `deadlineMs`). A
 * close() that does not close its sockets never ends (wss.close() waits for them): instead of
 * waiting out the deadline, the probe keeps pinging, and once the server has answered
 * PONGS_AFTER_CLOSE pings after close() began, with the probe's socket still open, the test fails
 * with `message`.
 */
async function closeServing(server: ChatServer, probe: Peer, deadlineMs: number, message: string): Promise<void> {
  const closing = withDeadline(server.close(), deadlineMs, message);
  closing.catch(() => {}); // awaited below, after the probe: never left unhandled
  for (let pongs = 0; pongs < PONGS_AFTER_CLOSE; pongs += 1) {
    probe.send({ type: 'ping' } satisfies ClientMessage);
    const answered = await probe.nextOf('pong', 'a pong', () => true, 2000).then(
      () => true,
      () => false, // the socket closed (the server is going away), or no pong: close() alone decides
    );
    if (!answered) return closing;
  }
  throw new Error(message);
}

/** Runs `count` short-lived clients (CONCURRENCY at a time); client `i` sends `plan(i)`. Returns their ids. */
function runCycles(server: ChatServer, count: number, plan: (i: number) => ClientMessage[]): Promise<number[]> {
  return withDeadline(churn(server.url, count, plan, { concurrency: CONCURRENCY }), 15_000, say({ en: `${count} connect/disconnect cycles`, ko: `연결/해제 ${count}회` }));
}

const room = (i: number) => `room-${i % ROOMS}`;

/** Waits until the server has seen every cycling socket close (ws's own count, which no leak can fake). */
async function socketsClosed(server: ChatServer, stillOpen: number): Promise<void> {
  await waitFor(() => server.stats().sockets === stillOpen, {
    timeoutMs: SETTLE_MS,
    message: say({ en: `the server should see the cycling sockets close (wss.clients.size back to ${stillOpen})`, ko: `서버가 순환하는 소켓이 닫히는 것을 봐야 합니다(wss.clients.size가 ${stillOpen}(으)로 돌아옴)` }),
  });
}

/**
 * Polls `probe` until it returns `expected` or the deadline passes, then asserts it (with `message`).
 * Stops polling early once `hopeless()` says the server holds more than can still be on its way out.
 */
async function eventually<T>(probe: () => T | Promise<T>, expected: T, message: string, hopeless: () => boolean = () => false): Promise<void> {
  const same = async () => hopeless() || JSON.stringify(await probe()) === JSON.stringify(expected);
  await waitFor(same, { timeoutMs: SETTLE_MS }).catch(() => {});
  expect(await probe(), message).toEqual(expected);
}

/**
 * Pending timers in the process. The test runner has a few of its own that come and go (its RPC
 * calls time out), so a test compares with a baseline and allows no more than that.
 */
const timeouts = () => activeResources().Timeout ?? 0;

/**
 * Waits until no more Timeouts are pending than `baseline`, then asserts it (with `message`).
 * `closing`: clients that may still be closing. Each has a timer or two (ws's close timeout) that
 * goes by itself; more than those and the runner's few will not settle, so the wait stops there.
 */
async function timersBackTo(baseline: number, message: string, closing: number): Promise<void> {
  const hopeless = baseline + 2 * closing + RUNNER_TIMERS;
  await waitFor(() => timeouts() <= baseline || timeouts() > hopeless, { timeoutMs: SETTLE_MS }).catch(() => {});
  expect(timeouts(), message).toBeLessThanOrEqual(baseline);
}

/** The entries of `stats` that `like` names. */
const pick = (stats: ChatStats, like: Partial<ChatStats>): Partial<ChatStats> =>
  Object.fromEntries(Object.keys(like).map((key) => [key, stats[key as keyof ChatStats]]));

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
      say({ en: `🚨 one client is still connected, so the announcements bus should hold exactly 1 'announce' listener. ` +
        `Every closed connection left its own behind (what MaxListenersExceededWarning warns about): remove client.onAnnounce in the 'close' handler of ${SERVER_FILE} (LEAK 1)`, ko: `🚨 클라이언트 하나가 아직 연결되어 있으니 announcements 버스에는 'announce' 리스너가 정확히 1개 있어야 합니다. 닫힌 연결마다 자기 리스너를 남겼습니다(MaxListenersExceededWarning이 경고하는 것): ${SERVER_FILE}의 'close' 핸들러에서 client.onAnnounce를 떼어 내세요(LEAK 1)` }),
    ).toBe(1);
    expect(server.stats().announceListeners, say({ en: 'stats().announceListeners should count the real listeners', ko: 'stats().announceListeners는 실제 리스너를 세야 합니다' })).toBe(1);
    bus.emit('announce', 'maintenance at noon');
    expect(await live.nextOf('event', 'the announcement'), say({ en: '🚨 the live client should still get announcements', ko: '🚨 살아 있는 클라이언트는 여전히 공지를 받아야 합니다' })).toEqual({
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
    await eventually(() => server.stats().memberships, 1, say({ en: 'only the live client should still be a member of a room', ko: '살아 있는 클라이언트만 방의 멤버로 남아 있어야 합니다' }));

    expect(
      server.stats().rooms,
      say({ en: `🚨 only "lobby" still has a member, so the room map should hold 1 room, not one per room ever used. ` +
        `Delete a room when its last member leaves: RoomRegistry.leave() in labs/12-leak-fixes/room-registry.ts (LEAK 2)`, ko: `🚨 멤버가 남은 방은 "lobby"뿐이니 방 맵에는 지금까지 쓰인 방마다가 아니라 방 1개만 있어야 합니다. 마지막 멤버가 나가면 방을 지우세요: labs/12-leak-fixes/room-registry.ts의 RoomRegistry.leave()(LEAK 2)` }),
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
      say({ en: `🚨 process.getActiveResourcesInfo() should list no more Timeouts than before the connections (${baseline}). ` +
        `Each closed connection left its heartbeat interval and its typing timer running: ` +
        `clearInterval in the 'close' handler and clearTimeout in leaveRoom() of ${SERVER_FILE} (LEAK 3)`, ko: `🚨 process.getActiveResourcesInfo()의 Timeout 수는 연결 전(${baseline})보다 많으면 안 됩니다. 닫힌 연결마다 하트비트 인터벌과 입력 중 타이머가 계속 돌고 있습니다: ${SERVER_FILE}의 'close' 핸들러에서 clearInterval, leaveRoom()에서 clearTimeout(LEAK 3)` }),
      CONCURRENCY,
    );
  });

  test('peers that stop answering pings are terminated by the heartbeat, and their intervals go with them', async () => {
    const { server } = await startRig({ heartbeatMs: 25 });
    const baseline = timeouts();

    // More peers than the runner has timers of its own: left running, their intervals show at once.
    const silent = await Promise.all(Array.from({ length: 3 * RUNNER_TIMERS }, () => connectPeer(server.url, { autoPong: false })));
    const codes = await Promise.all(silent.map((peer) => closeCodeOf(peer)));
    await socketsClosed(server, 0);

    expect(codes, say({ en: 'the heartbeat should terminate peers that missed a pong (abnormal closure, 1006)', ko: '하트비트는 pong을 놓친 상대를 terminate해야 합니다(비정상 종료, 1006)' })).toEqual(silent.map(() => 1006));
    await timersBackTo(
      baseline,
      say({ en: `🚨 the terminated connections' heartbeat intervals should be cleared: clearInterval in the 'close' handler of ${SERVER_FILE} (LEAK 3)`, ko: `🚨 terminate된 연결의 하트비트 인터벌은 지워져야 합니다: ${SERVER_FILE}의 'close' 핸들러에서 clearInterval(LEAK 3)` }),
      0, // every peer has closed on both ends
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
      say({ en: `🚨 PUBSUB CHANNELS should list exactly the lobby's channel: alice and bob are still in the lobby, every other room is empty. ` +
        `Rooms listed that everyone left: unsubscribe in leaveRoom() of ${SERVER_FILE} (LEAK 4). ` +
        `Lobby missing: you unsubscribed the whole channel; pass client.deliver too, so only that listener goes`, ko: `🚨 PUBSUB CHANNELS에는 lobby의 채널만 있어야 합니다: alice와 bob은 아직 lobby에 있고 다른 방은 모두 비었습니다. 모두 나간 방이 보이면: ${SERVER_FILE}의 leaveRoom()에서 구독을 해제하세요(LEAK 4). lobby가 없으면: 채널 전체를 해제한 것입니다. client.deliver도 넘겨서 그 리스너만 떼어 내세요` }),
      // Listeners for alice and bob, plus at most two rooms' for each cycling client still unsubscribing.
      () => server.stats().roomListeners < 2 || server.stats().roomListeners > 2 + 2 * CONCURRENCY,
    );
    expect(await redis.client.pubSubNumSub([lobby, roomChannel(redis.prefix, room(0))])).toEqual({
      [lobby]: 1,
      [roomChannel(redis.prefix, room(0))]: 0,
    });
    expect(server.stats().roomListeners, say({ en: 'the subscriber should hold one message listener per remaining member (alice, bob)', ko: '구독자는 남은 멤버(alice, bob)마다 message 리스너를 하나씩 가져야 합니다' })).toBe(2);
    bob.send({ type: 'say', room: 'lobby', text: 'one' });
    bob.send({ type: 'say', room: 'lobby', text: 'two' });
    const first = await alice.nextOf('message', 'bob\'s first message in the lobby');
    const second = await alice.nextOf('message', 'bob\'s second message in the lobby');
    expect(
      [first.text, second.text],
      say({ en: '🚨 alice should still get every lobby message, once: unsubscribe only the leaving client\'s listener, not the whole channel', ko: '🚨 alice는 lobby 메시지를 모두 한 번씩 받아야 합니다: 채널 전체가 아니라 나가는 클라이언트의 리스너만 해제하세요' }),
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
      say({ en: `🚨 two clients are connected, so the directory should hold 2 entries; each entry keeps its socket alive. ` +
        `Delete the client from \`clients\` in the 'close' handler of ${SERVER_FILE} (LEAK 5)`, ko: `🚨 클라이언트 둘이 연결되어 있으니 디렉터리에는 항목이 2개 있어야 합니다. 항목마다 소켓을 살려 둡니다. ${SERVER_FILE}의 'close' 핸들러에서 \`clients\`의 클라이언트를 지우세요(LEAK 5)` }),
    ).toBe(2);
    alice.send({ type: 'dm', to: gone[0]!, text: 'are you there?' });
    const error = await alice.nextOf('error', 'an error reply to a direct message for a client that left');
    expect(error.code, say({ en: 'a direct message to a client that left should be refused with user_offline', ko: '나간 클라이언트에게 보낸 DM은 user_offline으로 거절되어야 합니다' })).toBe(ErrorCode.USER_OFFLINE);
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

    await closeServing(
      server,
      peers[0]!,
      CLOSE_MS,
      say({ en: `🚨 close() should resolve while clients are connected: close every socket in wss.clients with CloseCode.GOING_AWAY first (LEAK 6 in ${SERVER_FILE})`, ko: `🚨 클라이언트가 연결되어 있어도 close()는 끝나야 합니다: 먼저 wss.clients의 모든 소켓을 CloseCode.GOING_AWAY로 닫으세요(${SERVER_FILE}의 LEAK 6)` }),
    );

    expect(await Promise.all(peers.map((p) => closeCodeOf(p))), say({ en: 'every client should be closed with 1001 (going away)', ko: '모든 클라이언트는 1001(going away)로 닫혀야 합니다' })).toEqual([1001, 1001, 1001]);
    const tcp = (resources: Record<string, number>) => ({ sockets: resources.TCPSocketWrap ?? 0, servers: resources.TCPServerWrap ?? 0 });
    await eventually(
      () => tcp(activeResources()),
      tcp(rig.resourcesBeforeServer),
      say({ en: 'after close() the process should have the TCP sockets and servers it had before the chat server started', ko: 'close() 뒤의 프로세스에는 채팅 서버가 시작되기 전과 같은 TCP 소켓과 서버만 있어야 합니다' }),
    );
    (await resolved(
      withDeadline(server.close(), CLOSE_MS, say({ en: 'a second close()', ko: '두 번째 close()' })),
      say({ en: `🚨 close() should be idempotent: return the first call's promise from \`closing\` (LEAK 6 in ${SERVER_FILE})`, ko: `🚨 close()는 멱등이어야 합니다: 첫 호출의 프라미스를 \`closing\`에서 돌려주세요(${SERVER_FILE}의 LEAK 6)` }),
    )).toBeUndefined();
  });

  test('close() does not wait for a peer that never answers the close frame: it is terminated after shutdownTimeoutMs', async () => {
    const shutdownTimeoutMs = 100;
    const { server } = await startRig({ shutdownTimeoutMs });
    const [mute, probe] = await Promise.all([connectPeer(server.url), connectPeer(server.url)]);
    mute.ws.pause(); // reads nothing more: the close frame is never answered (ws alone waits 30 s)

    await closeServing(
      server,
      probe,
      shutdownTimeoutMs + LATE_MS,
      say({ en: `🚨 close() should end a peer that does not answer within shutdownTimeoutMs: use lab 07's closeWithin (LEAK 6 in ${SERVER_FILE})`, ko: `🚨 close()는 shutdownTimeoutMs 안에 답하지 않는 상대를 끝내야 합니다: 실습 07의 closeWithin을 쓰세요(${SERVER_FILE}의 LEAK 6)` }),
    );

    expect(server.stats().sockets, say({ en: 'every socket is gone once close() resolved', ko: 'close()가 끝나면 모든 소켓이 없어야 합니다' })).toBe(0);
  });

  test('close() resolves only after every connection released its Redis subscriptions (needs LEAK 4 fixed too)', async () => {
    const { server } = await startRig();
    const peers = await Promise.all([1, 2, 3].map(() => connectPeer(server.url)));
    await Promise.all(peers.map((p, i) => join(p, `room-${i}`)));

    await closeServing(server, peers[0]!, CLOSE_MS, say({ en: `close() did not resolve with clients connected (LEAK 6 in ${SERVER_FILE})`, ko: `클라이언트가 연결된 상태에서 close()가 끝나지 않았습니다(${SERVER_FILE}의 LEAK 6)` }));

    expect(
      server.stats().roomListeners,
      say({ en: `🚨 when close() resolves, every subscription should be released: await each client's \`inbox\` after wss.close() (LEAK 6 in ${SERVER_FILE})`, ko: `🚨 close()가 끝날 때는 모든 구독이 해제되어 있어야 합니다: wss.close() 뒤에 클라이언트마다 \`inbox\`를 await하세요(${SERVER_FILE}의 LEAK 6)` }),
    ).toBe(0);
    expect(await redis.client.pubSubChannels(roomChannelPattern(redis.prefix)), say({ en: 'no room channel should be subscribed after close()', ko: 'close() 뒤에는 구독된 방 채널이 없어야 합니다' })).toEqual([]);
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
    // A server that still holds what the warm-up connections left is leaking, whatever the heap says
    // next: say so now. Only Redis listeners may still be going (two rooms per client open at once);
    // the 'close' handler drops the directory entry and the bus listener at once, and a room goes
    // with its last member.
    const released: Partial<ChatStats> = { clients: 0, rooms: 0, memberships: 0, announceListeners: 0, roomListeners: 0 };
    const stuck = ({ clients, announceListeners, rooms, memberships, roomListeners } = server.stats()) =>
      clients > 0 || announceListeners > 0 || rooms > memberships || roomListeners > 2 * CONCURRENCY;
    await eventually(
      () => pick(server.stats(), released),
      released,
      say({ en: `🚨 after ${WARMUP} connections came and went, the server should hold nothing for them: fix LEAK 1-5 first`, ko: `🚨 연결 ${WARMUP}개가 오갔으니 서버는 그들을 위해 아무것도 들고 있지 않아야 합니다: LEAK 1-5를 먼저 고치세요` }),
      () => stuck(),
    );
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
      say({ en: `🚨 the heap grew by ${Math.round(growth / 1024)} KB (${Math.round(growth / HEAP_CYCLES)} bytes per connection) after a forced GC, ` +
        `so closed connections are still reachable. Server state now: ${statsLine(server.stats())}. ` +
        `Fix LEAK 1-5 first, then take two heap snapshots and compare them (see the lesson)`, ko: `🚨 강제 GC 뒤에 힙이 ${Math.round(growth / 1024)} KB(연결마다 ${Math.round(growth / HEAP_CYCLES)}바이트) 늘었습니다. 닫힌 연결에 아직 닿을 수 있다는 뜻입니다. 지금 서버 상태: ${statsLine(server.stats())}. LEAK 1-5를 먼저 고치고, 힙 스냅샷 두 개를 찍어 비교하세요(레슨 참고)` }),
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
      say({ en: `🚨 of ${CYCLES} closed server-side sockets, this many are still reachable after a forced GC. ` +
        `Something long-lived references them: a bus listener, an interval, a Redis listener, the directory (LEAK 1, 3, 4, 5)`, ko: `🚨 닫힌 서버 쪽 소켓 ${CYCLES}개 중 이만큼이 강제 GC 뒤에도 닿을 수 있습니다. 오래 사는 무언가가 참조하고 있습니다: 버스 리스너, 인터벌, Redis 리스너, 디렉터리(LEAK 1, 3, 4, 5)` }),
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
        say({ en: `🚨 the server read the whole 64 KB frame and answered ${JSON.stringify(m).slice(0, 80)} instead of closing with 1009: ` +
          `pass maxPayload to the WebSocketServer (BOUND 1 in ${SERVER_FILE})`, ko: `🚨 서버가 64 KB 프레임을 다 읽고 1009로 닫는 대신 ${JSON.stringify(m).slice(0, 80)}(으)로 답했습니다: WebSocketServer에 maxPayload를 넘기세요(${SERVER_FILE}의 BOUND 1)` }),
      );
    });
    const code = await Promise.race([closeCodeOf(peer), answered]);
    expect(code, say({ en: `🚨 pass maxPayload to the WebSocketServer (BOUND 1 in ${SERVER_FILE})`, ko: `🚨 WebSocketServer에 maxPayload를 넘기세요(${SERVER_FILE}의 BOUND 1)` })).toBe(CloseCode.MESSAGE_TOO_BIG);
  });

  test('room traffic to a reader that stopped is dropped past the soft limit: its buffer stays bounded', async () => {
    const softLimitBytes = 32 * 1024;
    const { server } = await startRig({ backpressure: { softLimitBytes, hardLimitBytes: 256 * 1024 }, maxPayload: 64 * 1024 });
    const [sender, slow] = await Promise.all([connectPeer(server.url), connectPeer(server.url)]);
    await join(sender, 'lobby');
    await join(slow, 'lobby');
    const text = 'x'.repeat(48 * 1024); // big messages fill the kernel's buffers in fewer rounds
    const bound = softLimitBytes + text.length + 512;
    const buffered = () => Math.max(0, ...[...server.wss.clients].map((ws) => ws.bufferedAmount));

    slow.ws.pause(); // the kernel's buffers fill first (a few MB on loopback), then the server's
    let maxBuffered = 0;
    // Once the buffer is past the soft limit, every further message must be dropped: a server that
    // queues one more is past `bound` at once. A few of them are proof enough.
    let pastSoftLimit = 0;
    for (let i = 0; i < 1500 && maxBuffered <= bound && pastSoftLimit < 10; i += 1) {
      sender.send({ type: 'say', room: 'lobby', text });
      await sender.nextOf('message', `message ${i} back at the sender`);
      maxBuffered = Math.max(maxBuffered, buffered());
      if (buffered() > softLimitBytes) pastSoftLimit += 1;
    }

    expect(maxBuffered, say({ en: `🚨 the server kept queueing for a reader that stopped: drop past the soft limit with lab 07's decideSend (BOUND 2 in ${SERVER_FILE})`, ko: `🚨 서버가 읽기를 멈춘 수신자에게 계속 쌓았습니다: 실습 07의 decideSend로 소프트 한도를 넘으면 버리세요(${SERVER_FILE}의 BOUND 2)` })).toBeLessThanOrEqual(bound);
  });

  test('a message Redis does not take in time gets an "unavailable" error reply, not silence', async () => {
    const proxy = await TcpProxy.start(redis.url);
    onTestFinished(() => proxy.close());
    const publisher = createClient({ url: proxy.url, disableOfflineQueue: true });
    publisher.on('error', () => {});
    await publisher.connect();
    onTestFinished(() => publisher.destroy());
    const redisTimeoutMs = 100;
    const { server } = await startRig({ publisher: publisher as RedisClientType, redisTimeoutMs });
    const peer = await connectPeer(server.url);
    await join(peer, 'lobby');

    proxy.freeze();
    peer.send({ type: 'say', room: 'lobby', text: 'anyone?' });
    const answer = await withDeadline(peer.next('an answer to a message Redis never took'), redisTimeoutMs + LATE_MS, say({ en: `🚨 publish() with a deadline (BOUND 3 in ${SERVER_FILE})`, ko: `🚨 publish()에 기한을 두세요(${SERVER_FILE}의 BOUND 3)` }));
    proxy.thaw();

    expect(answer, say({ en: `🚨 tell the sender: a ChannelUnavailableError reply (BOUND 3 in ${SERVER_FILE})`, ko: `🚨 보낸 사람에게 알리세요: ChannelUnavailableError 응답(${SERVER_FILE}의 BOUND 3)` })).toMatchObject({ type: 'error', code: ErrorCode.UNAVAILABLE });
  });
});
