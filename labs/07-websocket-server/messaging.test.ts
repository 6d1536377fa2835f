// Rooms, broadcasts, direct messages, and bad input: every message gets a defined outcome and
// one client's mistakes never disturb the others.
import { afterEach, describe, expect, test } from 'vitest';
import { useDatabase, useRedis } from '../../tools/testing/test-env.ts';
import { waitFor } from '../../tools/testing/wait.ts';
import { startChatServer, type ChatServer, type ChatServerOptions } from './chat-server.ts';
import { CloseCode, ErrorCode } from './protocol.ts';
import { connect, handshakeStatus, type TestClient } from '../../tools/testing/ws-client.ts';
import { createSession } from './test-kit.ts';

const db = useDatabase();
const redis = useRedis();

let server: ChatServer | undefined;
const clients: TestClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await server?.close();
  server = undefined;
});

async function start(options: Partial<ChatServerOptions> = {}) {
  server = await startChatServer({ prisma: db.prisma, redis: redis.client, keyPrefix: redis.prefix, ...options });
  return server;
}

async function user(wsUrl: string) {
  const session = await createSession(db.prisma);
  const client = await connect(wsUrl, { token: session.token });
  clients.push(client);
  return Object.assign(client, { userId: session.userId, token: session.token });
}

async function join(client: TestClient, room: string) {
  client.send({ type: 'join', room });
  expect(await client.next(`"joined" for ${room}`), `join should be acknowledged with { type: "joined", room }`).toEqual({ type: 'joined', room });
}

describe('rooms', () => {
  test('a message reaches every member of the room, sender included, and nobody else', async () => {
    const { wsUrl } = await start();
    const [alice, bob, carol] = [await user(wsUrl), await user(wsUrl), await user(wsUrl)];
    await join(alice, 'r1');
    await join(bob, 'r1');
    await join(carol, 'r2');

    alice.send({ type: 'say', room: 'r1', text: 'hi', id: 'm1' });
    const toBob = await bob.next('the broadcast');
    const toAlice = await alice.next('the echo to the sender');
    carol.send({ type: 'ping' });
    const carolNext = await carol.next('the pong');

    const expected = { type: 'message', room: 'r1', from: alice.userId, text: 'hi', id: 'm1' };
    expect(toBob).toEqual(expected);
    expect(toAlice).toEqual(expected);
    expect(carolNext, 'carol is in r2 only: the broadcast to r1 must not reach her').toEqual({ type: 'pong' });
  });

  test('excludeSelf skips the sender', async () => {
    const { wsUrl } = await start();
    const [alice, bob] = [await user(wsUrl), await user(wsUrl)];
    await join(alice, 'r');
    await join(bob, 'r');

    alice.send({ type: 'say', room: 'r', text: 'one', excludeSelf: true });
    alice.send({ type: 'ping', id: 'after' });

    expect(await bob.next()).toMatchObject({ type: 'message', text: 'one' });
    expect(await alice.next(), 'with excludeSelf the sender gets no echo, so its next message is the pong').toEqual({ type: 'pong', id: 'after' });
  });

  test('sending into a room you have not joined is refused', async () => {
    const { wsUrl } = await start();
    const [alice, bob] = [await user(wsUrl), await user(wsUrl)];
    await join(alice, 'mine');
    await join(bob, 'theirs');

    alice.send({ type: 'say', room: 'theirs', text: 'sneaky', id: 's1' });
    const reply = await alice.next('an error reply');
    bob.send({ type: 'ping' });

    expect(reply).toEqual({ type: 'error', code: ErrorCode.NOT_IN_ROOM, message: expect.any(String), id: 's1' });
    expect(await bob.next(), 'bob must not receive a message from a non-member').toEqual({ type: 'pong' });
  });

  test('leave stops delivery and an empty room is forgotten', async () => {
    const { wsUrl } = await start();
    const [alice, bob] = [await user(wsUrl), await user(wsUrl)];
    await join(alice, 'r');
    await join(bob, 'r');

    bob.send({ type: 'leave', room: 'r' });
    const left = await bob.next();
    alice.send({ type: 'say', room: 'r', text: 'anyone?' });
    await alice.next('the echo');
    bob.send({ type: 'ping' });
    const bobNext = await bob.next();
    alice.send({ type: 'leave', room: 'r' });
    await alice.next();

    expect(left).toEqual({ type: 'left', room: 'r' });
    expect(bobNext, 'bob left r: no more messages from it').toEqual({ type: 'pong' });
    expect(server!.stats(), 'the room is empty, so it must be deleted from the registry').toEqual({ connections: 2, users: 2, rooms: 0 });
  });

  test('a connection may join at most maxRoomsPerConnection rooms', async () => {
    const { wsUrl } = await start({ maxRoomsPerConnection: 2 });
    const alice = await user(wsUrl);
    await join(alice, 'a');
    await join(alice, 'b');

    alice.send({ type: 'join', room: 'c' });

    expect(await alice.next()).toMatchObject({ type: 'error', code: ErrorCode.ROOM_LIMIT });
    expect(server!.stats().rooms).toBe(2);
  });

  test('closing a socket removes it from every room', async () => {
    const { wsUrl } = await start();
    const alice = await user(wsUrl);
    await join(alice, 'a');
    await join(alice, 'b');

    await alice.close();

    await waitFor(() => server!.stats().connections === 0, { message: 'the registry should forget a closed socket' });
    expect(server!.stats()).toEqual({ connections: 0, users: 0, rooms: 0 });
  });
});

describe('direct messages', () => {
  test('a DM reaches every open tab of the user', async () => {
    const { wsUrl } = await start();
    const alice = await user(wsUrl);
    const bob = await user(wsUrl);
    const bobTab2 = await connect(wsUrl, { token: bob.token });
    clients.push(bobTab2);

    alice.send({ type: 'dm', to: bob.userId, text: 'psst' });

    const expected = { type: 'dm', from: alice.userId, text: 'psst' };
    expect(await bob.next('the DM in tab 1'), 'Map<userId, socket> loses the first tab: keep a Set per user').toEqual(expected);
    expect(await bobTab2.next('the DM in tab 2')).toEqual(expected);
  });

  test('closing one tab keeps the other reachable', async () => {
    const { wsUrl } = await start();
    const alice = await user(wsUrl);
    const bob = await user(wsUrl);
    const bobTab2 = await connect(wsUrl, { token: bob.token });
    clients.push(bobTab2);

    await bobTab2.close();
    await waitFor(() => server!.stats().connections === 2, { message: 'the closed tab should be forgotten' });
    alice.send({ type: 'dm', to: bob.userId, text: 'still there?' });

    expect(await bob.next()).toEqual({ type: 'dm', from: alice.userId, text: 'still there?' });
  });

  test('a DM to a user with no connection gets user_offline', async () => {
    const { wsUrl } = await start();
    const alice = await user(wsUrl);

    alice.send({ type: 'dm', to: alice.userId + 1000, text: 'hello?', id: 'd1' });

    expect(await alice.next()).toEqual({ type: 'error', code: ErrorCode.USER_OFFLINE, message: expect.any(String), id: 'd1' });
  });

  test('canDirectMessage refuses with dm_not_allowed, the same answer whether the recipient is online or not', async () => {
    const { wsUrl } = await start({ canDirectMessage: () => false });
    const alice = await user(wsUrl);
    const bob = await user(wsUrl);

    alice.send({ type: 'dm', to: bob.userId, text: 'are you there?', id: 'online' });
    const toOnline = await alice.next('the answer to a dm to an online user');
    alice.send({ type: 'dm', to: bob.userId + 1000, text: 'are you there?', id: 'offline' });
    const toOffline = await alice.next('the answer to a dm to an offline user');
    bob.send({ type: 'ping' });

    expect(toOnline, 'ask the policy before looking up the recipient: the answer must not reveal who is online').toEqual({
      type: 'error',
      code: ErrorCode.DM_NOT_ALLOWED,
      message: expect.any(String),
      id: 'online',
    });
    expect(toOffline).toMatchObject({ type: 'error', code: ErrorCode.DM_NOT_ALLOWED, id: 'offline' });
    expect(await bob.next(), 'a refused dm is not delivered').toEqual({ type: 'pong' });
  });
});

describe('bad input', () => {
  test('malformed JSON, binary frames, unknown types and missing fields get error replies and the socket stays usable', async () => {
    const { wsUrl } = await start();
    const alice = await user(wsUrl);

    alice.sendRaw('{"type":"join"');
    alice.sendRaw(Buffer.from([1, 2, 3]), true);
    alice.send({ type: 'nuke', id: 'n1' });
    alice.send({ type: 'say', text: 'no room' });
    alice.send({ type: 'ping', id: 'still-alive' });
    const replies = [await alice.next(), await alice.next(), await alice.next(), await alice.next(), await alice.next()];

    expect(
      replies.map((r) => (r.type === 'error' ? r.code : r.type)),
      'each bad frame gets one error reply with its code, in order, and the ping still works (chat-server.ts onMessage)',
    ).toEqual([ErrorCode.BAD_JSON, ErrorCode.BINARY_FRAME, ErrorCode.UNKNOWN_TYPE, ErrorCode.INVALID_MESSAGE, 'pong']);
  });

  test('an oversized frame closes that socket with 1009; the others carry on', async () => {
    const { wsUrl } = await start({ maxPayload: 1024 });
    const [alice, bob] = [await user(wsUrl), await user(wsUrl)];
    await join(alice, 'r');
    await join(bob, 'r');

    alice.send({ type: 'say', room: 'r', text: 'x'.repeat(2000) });
    const closed = await alice.waitClosed('close code 1009');
    await waitFor(() => server!.stats().connections === 1, { message: 'the closed socket should leave the registry' });
    bob.send({ type: 'say', room: 'r', text: 'still here' });

    expect(closed.code, 'set maxPayload on the WebSocketServer: ws closes with 1009 for you').toBe(CloseCode.MESSAGE_TOO_BIG);
    expect(await bob.next()).toMatchObject({ type: 'message', text: 'still here' });
    expect(server!.stats()).toEqual({ connections: 1, users: 1, rooms: 1 });
  });

  test('a flood gets rate_limited errors, then close 4029; others keep receiving', async () => {
    const { wsUrl } = await start({ rateLimit: { capacity: 3, refillPerSecond: 0.001, maxViolations: 4 } });
    const [flooder, bob] = [await user(wsUrl), await user(wsUrl)];
    await join(flooder, 'r'); // uses 1 of the 3 tokens
    await join(bob, 'r');

    for (let i = 0; i < 20; i++) flooder.send({ type: 'say', room: 'r', text: `spam ${i}`, excludeSelf: true });
    const replies: Array<Record<string, unknown>> = [];
    for (let i = 0; i < 4; i++) replies.push(await flooder.next('a rate_limited error'));
    const closed = await flooder.waitClosed('close code 4029');
    const delivered = [await bob.next(), await bob.next()];
    bob.send({ type: 'say', room: 'r', text: 'calm' });

    expect(replies.map((r) => r.code), '2 tokens left: 2 messages pass, the next 4 get rate_limited').toEqual(Array(4).fill(ErrorCode.RATE_LIMITED));
    expect(closed.code, 'the 5th violation in a row closes with CloseCode.RATE_LIMITED').toBe(CloseCode.RATE_LIMITED);
    expect(delivered.map((m) => m.text)).toEqual(['spam 0', 'spam 1']);
    expect(await bob.next(), 'bob keeps working').toMatchObject({ type: 'message', text: 'calm' });
    expect(bob.pending, 'nothing past the limit may reach the room').toEqual([]);
    await waitFor(() => server!.stats().connections === 1, { message: 'the closed flooder should leave the registry' });
    expect(server!.stats(), 'no state left behind by the flooder').toEqual({ connections: 1, users: 1, rooms: 1 });
  });
});

describe('connection limits', () => {
  test('one user past maxConnectionsPerUser gets 429 too_many_connections; a tab that closes frees its slot', async () => {
    const { wsUrl } = await start({ maxConnectionsPerUser: 2 });
    const session = await createSession(db.prisma);
    const tabs = [await connect(wsUrl, { token: session.token }), await connect(wsUrl, { token: session.token })];
    clients.push(...tabs);

    const third = await handshakeStatus(wsUrl, { token: session.token });
    const other = await user(wsUrl);
    await tabs[0]!.close();
    await waitFor(() => server!.stats().connections === 2, { message: 'the closed tab should leave the registry' });
    const again = await handshakeStatus(wsUrl, { token: session.token });

    expect(third, 'the third socket of one user is refused before the upgrade (chat-server.ts onUpgrade)').toBe(429);
    expect(other.welcome.userId, 'the cap is per user: others still connect').toBe(other.userId);
    expect(again, 'a closed tab frees its slot').toBe(101);
  });

  test('one address past maxConnectionsPerIp gets 429 before any credential is checked', async () => {
    const { wsUrl } = await start({ maxConnectionsPerIp: 2 });
    await user(wsUrl);
    await user(wsUrl);
    const session = await createSession(db.prisma);

    const statuses = [await handshakeStatus(wsUrl, { token: session.token }), await handshakeStatus(wsUrl)];

    expect(statuses, 'the third socket from 127.0.0.1 is refused, with or without a credential').toEqual([429, 429]);
  });

  test('the message rate is limited per user too: more tabs do not mean more messages', async () => {
    const { wsUrl } = await start({ rateLimit: { capacity: 100, refillPerSecond: 0.001 }, userRateLimit: { capacity: 4, refillPerSecond: 0.001 } });
    const session = await createSession(db.prisma);
    const tabs = [await connect(wsUrl, { token: session.token }), await connect(wsUrl, { token: session.token })];
    clients.push(...tabs);

    const answers: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      for (const tab of tabs) {
        tab.send({ type: 'ping' });
        const answer = await tab.next('pong or rate_limited');
        answers.push(answer.type === 'error' ? String(answer.code) : String(answer.type));
      }
    }

    expect(answers, 'two tabs share the user\'s 4 messages: the 5th and 6th get rate_limited').toEqual(['pong', 'pong', 'pong', 'pong', 'rate_limited', 'rate_limited']);
  });
});
