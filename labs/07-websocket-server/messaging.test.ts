// Rooms, broadcasts, direct messages, and bad input: every message gets a defined outcome and
// one client's mistakes never disturb the others.
import { afterEach, describe, expect, test } from 'vitest';
import { useDatabase, useRedis } from '../../tools/testing/test-env.ts';
import { waitFor } from '../../tools/testing/wait.ts';
import { startChatServer, type ChatServer, type ChatServerOptions } from './chat-server.ts';
import { CloseCode, ErrorCode } from './protocol.ts';
import { connect, handshakeStatus, type TestClient } from '../../tools/testing/ws-client.ts';
import { captureLogger, createSession } from './test-kit.ts';
import { say } from '../../tools/testing/say.ts';

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
  expect(await client.next(`"joined" for ${room}`), say({ en: `join should be acknowledged with { type: "joined", room }`, ko: `join에는 { type: "joined", room }으로 답해야 합니다` })).toEqual({ type: 'joined', room });
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
    expect(carolNext, say({ en: 'carol is in r2 only: the broadcast to r1 must not reach her', ko: 'carol은 r2에만 있습니다: r1으로 보낸 브로드캐스트가 carol에게 가면 안 됩니다' })).toEqual({ type: 'pong' });
  });

  test('excludeSelf skips the sender', async () => {
    const { wsUrl } = await start();
    const [alice, bob] = [await user(wsUrl), await user(wsUrl)];
    await join(alice, 'r');
    await join(bob, 'r');

    alice.send({ type: 'say', room: 'r', text: 'one', excludeSelf: true });
    alice.send({ type: 'ping', id: 'after' });

    expect(await bob.next()).toMatchObject({ type: 'message', text: 'one' });
    expect(await alice.next(), say({ en: 'with excludeSelf the sender gets no echo, so its next message is the pong', ko: 'excludeSelf면 보낸 쪽은 에코를 받지 않으므로 다음 메시지가 pong이어야 합니다' })).toEqual({ type: 'pong', id: 'after' });
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
    expect(await bob.next(), say({ en: 'bob must not receive a message from a non-member', ko: 'bob은 멤버가 아닌 사람의 메시지를 받으면 안 됩니다' })).toEqual({ type: 'pong' });
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
    expect(bobNext, say({ en: 'bob left r: no more messages from it', ko: 'bob은 r을 나갔습니다: 더는 메시지가 오지 않아야 합니다' })).toEqual({ type: 'pong' });
    expect(server!.stats(), say({ en: 'the room is empty, so it must be deleted from the registry', ko: '방이 비었으니 레지스트리에서 지워야 합니다' })).toEqual({ connections: 2, users: 2, rooms: 0 });
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

    await waitFor(() => server!.stats().connections === 0, { message: say({ en: 'the registry should forget a closed socket', ko: '레지스트리는 닫힌 소켓을 잊어야 합니다' }) });
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
    expect(await bob.next('the DM in tab 1'), say({ en: 'Map<userId, socket> loses the first tab: keep a Set per user', ko: 'Map<userId, socket>은 첫 탭을 잃습니다: 사용자마다 Set을 두세요' })).toEqual(expected);
    expect(await bobTab2.next('the DM in tab 2')).toEqual(expected);
  });

  test('closing one tab keeps the other reachable', async () => {
    const { wsUrl } = await start();
    const alice = await user(wsUrl);
    const bob = await user(wsUrl);
    const bobTab2 = await connect(wsUrl, { token: bob.token });
    clients.push(bobTab2);

    await bobTab2.close();
    await waitFor(() => server!.stats().connections === 2, { message: say({ en: 'the closed tab should be forgotten', ko: '닫힌 탭은 잊혀야 합니다' }) });
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

    expect(toOnline, say({ en: 'ask the policy before looking up the recipient: the answer must not reveal who is online', ko: '받는 사람을 찾기 전에 정책에 물으세요: 답이 누가 접속해 있는지 드러내면 안 됩니다' })).toEqual({
      type: 'error',
      code: ErrorCode.DM_NOT_ALLOWED,
      message: expect.any(String),
      id: 'online',
    });
    expect(toOffline).toMatchObject({ type: 'error', code: ErrorCode.DM_NOT_ALLOWED, id: 'offline' });
    expect(await bob.next(), say({ en: 'a refused dm is not delivered', ko: '거절된 DM은 전달되지 않아야 합니다' })).toEqual({ type: 'pong' });
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
      say({ en: 'each bad frame gets one error reply with its code, in order, and the ping still works (chat-server.ts onMessage)', ko: '잘못된 프레임마다 코드가 담긴 오류 응답 하나를 순서대로 보내고, ping은 여전히 동작해야 합니다(chat-server.ts onMessage)' }),
    ).toEqual([ErrorCode.BAD_JSON, ErrorCode.BINARY_FRAME, ErrorCode.UNKNOWN_TYPE, ErrorCode.INVALID_MESSAGE, 'pong']);
  });

  test('an oversized frame closes that socket with 1009; the others carry on', async () => {
    const { wsUrl } = await start({ maxPayload: 1024 });
    const [alice, bob] = [await user(wsUrl), await user(wsUrl)];
    await join(alice, 'r');
    await join(bob, 'r');

    alice.send({ type: 'say', room: 'r', text: 'x'.repeat(2000) });
    const closed = await alice.waitClosed('close code 1009');
    await waitFor(() => server!.stats().connections === 1, { message: say({ en: 'the closed socket should leave the registry', ko: '닫힌 소켓은 레지스트리에서 빠져야 합니다' }) });
    bob.send({ type: 'say', room: 'r', text: 'still here' });

    expect(closed.code, say({ en: 'set maxPayload on the WebSocketServer: ws closes with 1009 for you', ko: 'WebSocketServer에 maxPayload를 정하세요: ws가 1009로 닫아 줍니다' })).toBe(CloseCode.MESSAGE_TOO_BIG);
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

    expect(replies.map((r) => r.code), say({ en: '2 tokens left: 2 messages pass, the next 4 get rate_limited', ko: '토큰 2개 남음: 메시지 2개는 통과하고, 다음 4개는 rate_limited를 받아야 합니다' })).toEqual(Array(4).fill(ErrorCode.RATE_LIMITED));
    expect(closed.code, say({ en: 'the 5th violation in a row closes with CloseCode.RATE_LIMITED', ko: '연달아 다섯 번째 위반이면 CloseCode.RATE_LIMITED로 닫아야 합니다' })).toBe(CloseCode.RATE_LIMITED);
    expect(delivered.map((m) => m.text)).toEqual(['spam 0', 'spam 1']);
    expect(await bob.next(), say({ en: 'bob keeps working', ko: 'bob은 계속 동작해야 합니다' })).toMatchObject({ type: 'message', text: 'calm' });
    expect(bob.pending, say({ en: 'nothing past the limit may reach the room', ko: '한도를 넘은 것은 방에 닿으면 안 됩니다' })).toEqual([]);
    await waitFor(() => server!.stats().connections === 1, { message: say({ en: 'the closed flooder should leave the registry', ko: '닫힌 폭주 클라이언트는 레지스트리에서 빠져야 합니다' }) });
    expect(server!.stats(), say({ en: 'no state left behind by the flooder', ko: '폭주 클라이언트가 남긴 상태가 없어야 합니다' })).toEqual({ connections: 1, users: 1, rooms: 1 });
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
    await waitFor(() => server!.stats().connections === 2, { message: say({ en: 'the closed tab should leave the registry', ko: '닫힌 탭은 레지스트리에서 빠져야 합니다' }) });
    const again = await handshakeStatus(wsUrl, { token: session.token });

    expect(third, say({ en: 'the third socket of one user is refused before the upgrade (chat-server.ts onUpgrade)', ko: '한 사용자의 세 번째 소켓은 업그레이드 전에 거절되어야 합니다(chat-server.ts onUpgrade)' })).toBe(429);
    expect(other.welcome.userId, say({ en: 'the cap is per user: others still connect', ko: '상한은 사용자마다입니다: 다른 사람은 여전히 연결됩니다' })).toBe(other.userId);
    expect(again, say({ en: 'a closed tab frees its slot', ko: '닫힌 탭은 자리를 돌려줘야 합니다' })).toBe(101);
  });

  test('one address past maxConnectionsPerIp gets 429 before any credential is checked', async () => {
    const log = captureLogger();
    const { wsUrl } = await start({ maxConnectionsPerIp: 2, logger: log.logger });
    await user(wsUrl);
    await user(wsUrl);
    const session = await createSession(db.prisma);

    const statuses = [await handshakeStatus(wsUrl, { token: session.token }), await handshakeStatus(wsUrl)];

    expect(statuses, say({ en: 'the third socket from 127.0.0.1 is refused, with or without a credential', ko: '127.0.0.1에서 온 세 번째 소켓은 자격 증명이 있든 없든 거절되어야 합니다' })).toEqual([429, 429]);
    expect(log.lines.filter((l) => l.event === 'ws.rejected').map((l) => l.fields.code), say({ en: 'a 429 is a refusal too: log ws.rejected with its code, like a 401 (chat-server.ts onUpgrade)', ko: '429도 거절입니다: 401처럼 ws.rejected를 코드와 함께 로그로 남기세요(chat-server.ts onUpgrade)' })).toEqual([
      'too_many_connections',
      'too_many_connections',
    ]);
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

    expect(answers, say({ en: 'two tabs share the user\'s 4 messages: the 5th and 6th get rate_limited', ko: '두 탭이 사용자의 메시지 4개를 나눠 씁니다: 5번째와 6번째는 rate_limited를 받아야 합니다' })).toEqual(['pong', 'pong', 'pong', 'pong', 'rate_limited', 'rate_limited']);
  });
});
