// Step 4 and 5: instances die. A client whose instance is killed (SIGKILL) reconnects to another
// and resumes every stream from its last position: nothing missing, nothing twice. Presence
// forgets a dead instance's users within its expiry.
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { say } from '../../tools/testing/say.ts';
import { useDatabase, useRedis } from '../../tools/testing/test-env.ts';
import { waitFor, withDeadline } from '../../tools/testing/wait.ts';
import { connect, type TestClient } from '../../tools/testing/ws-client.ts';
import { createSession } from '../07-websocket-server/test-kit.ts';
import { ask, chatClient, REFUSED_URL, startInstance, type Instance } from './cluster-kit.ts';
import { ResumingClient, type ResumingClientEvents } from './resuming-client.ts';

// Each test chains several waits, each with its own deadline and a message naming what did not
// happen; the file's test limit covers their sum, so on a loaded machine those messages, not the
// project's bare 20 s testTimeout, say what went wrong. (The watchdog reads each test's own limit.)
vi.setConfig({ testTimeout: 60_000 });

const db = useDatabase();
const redis = useRedis();
const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step().catch(() => {});
});

async function client(instance: Instance, session?: { userId: number; token: string }) {
  const s = session ?? (await createSession(db.prisma));
  const c = await connect(instance.wsUrl, { token: s.token, timeoutMs: 10_000 });
  cleanup.push(() => c.close());
  return Object.assign(c, { userId: s.userId, token: s.token });
}

const request = (c: TestClient, message: Record<string, unknown>, reply: string) => ask(c, message, reply);

async function sendAll(sender: TestClient, texts: string[], room = 'k') {
  for (const text of texts) {
    sender.send({ type: 'say', room, text });
    await sender.nextOf('message', `the echo of "${text}"`, (m) => m.text === text, 10_000);
  }
}

/** A message about resuming-client.ts (step 6) in both languages. */
const resume = (en: string, ko: string) => say({ en: `🚨 resuming-client.ts (step 6): ${en}`, ko: `🚨 resuming-client.ts (6단계): ${ko}` });
/** A message about presence.ts (step 2) in both languages. */
const presence = (en: string, ko: string) => say({ en: `🚨 presence.ts (step 2): ${en}`, ko: `🚨 presence.ts (2단계): ${ko}` });

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `m${from + i}`);

// Processes start in beforeAll (the runner gives a test 25 s and a hook 35 s); each describe owns its own.
const owned: Instance[] = [];
afterAll(async () => {
  await Promise.all(owned.splice(0).map((i) => i.kill()));
});
async function shared(name: string, count: number, extra: Record<string, string> = {}) {
  const env = { DATABASE_URL: db.url, REDIS_URL: redis.url, KEY_PREFIX: `${redis.key(name)}:`, CLUSTER_MODE: 'relay' as const, ...extra };
  const started = await Promise.all(Array.from({ length: count }, () => startInstance(env)));
  owned.push(...started);
  return started as [Instance, Instance, Instance];
}

describe('an instance killed with SIGKILL', () => {
  let a: Instance;
  let b: Instance;
  let c: Instance;
  beforeAll(async () => {
    [a, b, c] = await shared('kill', 3);
  });

  test("its clients reconnect to another instance and resume: every message once, in order", async () => {
    const session = await createSession(db.prisma);
    let alive = [a.wsUrl, b.wsUrl];
    const chat = chatClient(() => alive, session.token);
    const resuming = new ResumingClient(chat);
    const got: string[] = [];
    const resyncs: ResumingClientEvents['resync'][] = [];
    resuming.on('delivery', ({ message }) => void (message.type === 'message' && got.push(message.text)));
    resuming.on('resync', (event) => void resyncs.push(event));
    resuming.subscribe('room:k');
    const subscribed = resuming.once('subscribed');
    await withDeadline(chat.start(), 10_000, say({ en: 'the client to connect to instance A', ko: '클라이언트가 A 인스턴스에 연결하기' }));
    const refused = chat.once('error').then((e) => {
      throw new Error(say({ en: `🚨 the instance answered the subscribe with error ${e.code}: ${e.message} (relay.ts, step 5)`, ko: `🚨 인스턴스가 구독에 error ${e.code}로 답했습니다: ${e.message} (relay.ts, 5단계)` }));
    });
    void refused.catch(() => {}); // raced below; an error after the test must not be unhandled
    await withDeadline(Promise.race([subscribed, refused]), 10_000, resume('the answer to subscribe room:k: send the subscribe on every open (resubscribeAll) and emit "subscribed"', 'room:k 구독에 대한 답: open마다 subscribe를 보내고(resubscribeAll) "subscribed"를 내보내세요'));
    const sender = await client(b);
    await request(sender, { type: 'join', room: 'k' }, 'joined');
    await request(sender, { type: 'subscribe', stream: 'room:k' }, 'subscribed');

    await sendAll(sender, range(1, 20));
    await waitFor(() => got.length === 20, { timeoutMs: 10_000, message: resume('the client on A to get the first 20 messages live: emit "delivery" for each message with a pos', 'A의 클라이언트가 처음 20개를 실시간으로 받기: pos가 있는 메시지마다 "delivery"를 내보내세요') });
    const reconnected = chat.once('open');
    await a.kill();
    alive = [b.wsUrl];
    await sendAll(sender, range(21, 60)); // while the client is finding B
    await withDeadline(reconnected, 15_000, say({ en: 'the client to reconnect to instance B after A was killed', ko: 'A가 죽은 뒤 클라이언트가 B 인스턴스로 다시 연결하기' }));
    await sendAll(sender, range(61, 70));

    await waitFor(() => got.length >= 70, { timeoutMs: 15_000, message: resume(`all 70 messages after the reconnect (got ${got.length}): resubscribe with the last epoch and offset seen`, `다시 연결한 뒤 70개 모두(받은 수 ${got.length}): 마지막으로 본 에포크와 오프셋으로 다시 구독하세요`) });
    expect(got, resume('after moving from A to B the client must have every message exactly once, in order: drop what is not after the last offset seen (compareOffsets)', 'A에서 B로 옮긴 뒤 모든 메시지를 정확히 한 번, 순서대로 가져야 합니다: 마지막으로 본 오프셋 뒤가 아닌 것은 버리세요(compareOffsets)')).toEqual(range(1, 70));
    expect(resyncs, resume('the history was all there: no resync', '기록이 다 있었으니 resync도 없습니다')).toEqual([]);
  });

  test('reconnecting again and again with the latest position replays nothing (no duplicate replays)', async () => {
    const sender = await client(c);
    await request(sender, { type: 'join', room: 'r' }, 'joined');
    await request(sender, { type: 'subscribe', stream: 'room:r' }, 'subscribed');
    const session = await createSession(db.prisma);
    let alive = [c.wsUrl];
    const chat = chatClient(() => alive, session.token);
    const resuming = new ResumingClient(chat);
    const got: string[] = [];
    const replays: number[] = [];
    resuming.on('delivery', ({ message }) => void (message.type === 'message' && got.push(message.text)));
    resuming.on('subscribed', ({ replayed }) => void replays.push(replayed));
    await withDeadline(chat.start(), 10_000, say({ en: 'the client to connect to instance C', ko: '클라이언트가 C 인스턴스에 연결하기' }));
    resuming.subscribe('room:r'); // open already: a starter that cannot send the request throws here
    await waitFor(() => replays.length === 1, { timeoutMs: 10_000, message: resume('the answer to subscribe room:r: emit "subscribed" with its replayed count', 'room:r 구독에 대한 답: replayed 수와 함께 "subscribed"를 내보내세요') });
    await sendAll(sender, range(1, 3), 'r');
    await waitFor(() => got.length === 3, { timeoutMs: 10_000, message: resume('m1..m3 live, as "delivery" events', 'm1..m3 실시간, "delivery" 이벤트로') });

    // Offline while m4 and m5 are sent: the first reconnect replays exactly those two.
    alive = [REFUSED_URL];
    chat.cut();
    await sendAll(sender, range(4, 5), 'r');
    const back = chat.once('open');
    alive = [c.wsUrl];
    await withDeadline(back, 10_000, say({ en: 'the client to reconnect to instance C', ko: '클라이언트가 C 인스턴스로 다시 연결하기' }));
    await waitFor(() => replays.length === 2, { timeoutMs: 10_000, message: resume('the answer to the resubscribe after the first reconnect', '첫 재연결 뒤 다시 구독한 것에 대한 답') });
    // Then nothing new: every further reconnect must replay nothing (socket.io's Redis Streams
    // recovery once replayed the same messages on every reconnect: the client kept an old offset).
    for (let round = 0; round < 3; round += 1) {
      const reopened = chat.once('open');
      chat.cut();
      await withDeadline(reopened, 10_000, say({ en: `reconnect ${round + 2}`, ko: `${round + 2}번째 재연결` }));
      await waitFor(() => replays.length === round + 3, { timeoutMs: 10_000, message: resume(`the answer to the resubscribe after reconnect ${round + 2}`, `${round + 2}번째 재연결 뒤 다시 구독한 것에 대한 답`) });
    }
    await sendAll(sender, ['m6'], 'r');
    await waitFor(() => got.length >= 6, { timeoutMs: 10_000, message: resume(`m6 live after the reconnects (got ${got.join(', ')})`, `재연결 뒤 m6 실시간(받은 것 ${got.join(', ')})`) });

    expect(replays, resume('replayed per subscribe: 0 at first, m4+m5 after the first reconnect, then 0 every time: remember the position of every delivery, replayed or live, and the offset of "subscribed"', 'subscribe마다 replayed: 처음 0, 첫 재연결 뒤 m4+m5, 그 뒤로는 매번 0. 재전송이든 실시간이든 모든 전달의 위치와 "subscribed"의 오프셋을 기억하세요')).toEqual([0, 2, 0, 0, 0]);
    expect(got, resume('every message once, in order', '모든 메시지를 한 번씩, 순서대로')).toEqual(range(1, 6));
  });
});

describe('presence across instances', () => {
  let a: Instance;
  let b: Instance;
  let c: Instance;
  beforeAll(async () => {
    [a, b, c] = await shared('presence', 3, { PRESENCE_TTL_MS: '3000' });
  });

  test('who is in a room, on any instance; a killed instance stops reporting its users within the expiry', async () => {
    const onA = await client(a);
    const onB = await client(b);
    const onC = await client(c);
    for (const member of [onA, onB, onC]) await request(member, { type: 'join', room: 'p' }, 'joined');
    await request(onC, { type: 'leave', room: 'p' }, 'left');

    // Presence is written by each instance on its own Redis connection: C's goodbye and B's read
    // travel on different connections, so B may answer before C's write landed. Ask until it agrees.
    const both = [onA.userId, onB.userId].sort((x, y) => x - y);
    const everyone = await waitFor(
      async () => {
        const reply = await request(onB, { type: 'who', room: 'p' }, 'presence');
        return JSON.stringify(reply.users) === JSON.stringify(both) ? reply : undefined;
      },
      { timeoutMs: 5000, message: presence('B to report exactly the users of A and B in room p (C left it: left() removes its entry)', 'B가 방 p에 A와 B의 사용자만 보고하기(C는 떠났습니다: left()가 엔트리를 지웁니다)') },
    );
    expect(everyone, presence('A and B hold members of p; C left it', 'A와 B에 p의 멤버가 있고 C는 떠났습니다')).toMatchObject({ room: 'p', users: both });

    await a.kill();
    const deadline = Date.now() + 12_000;
    let users: unknown = everyone.users;
    while (JSON.stringify(users) !== JSON.stringify([onB.userId]) && Date.now() < deadline) {
      users = (await request(onB, { type: 'who', room: 'p' }, 'presence')).users;
    }
    expect(users, presence("the killed instance's user must drop out within its 3 s expiry: entries carry their expiry as the score, and readers skip (and remove) the past ones", '죽은 인스턴스의 사용자는 3초 만료 안에 빠져야 합니다. 엔트리는 만료 시각을 점수로 갖고, 읽는 쪽은 지난 것을 건너뛰고 지웁니다')).toEqual([onB.userId]);
  });
});
