// Step 4 and 5: instances die. A client whose instance is killed (SIGKILL) reconnects to another
// and resumes every stream from its last position: nothing missing, nothing twice. Presence
// forgets a dead instance's users within its expiry.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { useDatabase, useRedis } from '../../tools/testing/test-env.ts';
import { waitFor, withDeadline } from '../../tools/testing/wait.ts';
import { connect, type TestClient } from '../../tools/testing/ws-client.ts';
import { createSession } from '../07-websocket-server/test-kit.ts';
import { chatClient, REFUSED_URL, startInstance, type Instance } from './cluster-kit.ts';
import { ResumingClient, type ResumingClientEvents } from './resuming-client.ts';

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

async function request(c: TestClient, message: Record<string, unknown>, reply: string) {
  c.send(message);
  return c.nextOf<Record<string, unknown> & { type: string }>(reply, `"${reply}" for ${JSON.stringify(message)}`, () => true, 10_000);
}

async function say(sender: TestClient, texts: string[], room = 'k') {
  for (const text of texts) {
    sender.send({ type: 'say', room, text });
    await sender.nextOf('message', `the echo of "${text}"`, (m) => m.text === text, 10_000);
  }
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `m${from + i}`);

// Processes start in beforeAll (the runner gives a test 25 s and a hook 35 s); each describe owns its own.
const owned: Instance[] = [];
afterAll(async () => {
  await Promise.all(owned.splice(0).map((i) => i.kill()));
});
async function shared(name: string, count: number, extra: Record<string, string> = {}) {
  const env = { DATABASE_URL: db.url, REDIS_URL: redis.url, KEY_PREFIX: redis.key(name) + ':', CLUSTER_MODE: 'relay' as const, ...extra };
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
    await withDeadline(chat.start(), 10_000, 'the client to connect to instance A');
    await withDeadline(subscribed, 10_000, 'the answer to subscribe room:k (resuming-client.ts sends it on every open)');
    const sender = await client(b);
    await request(sender, { type: 'join', room: 'k' }, 'joined');
    await request(sender, { type: 'subscribe', stream: 'room:k' }, 'subscribed');

    await say(sender, range(1, 20));
    await waitFor(() => got.length === 20, { timeoutMs: 10_000, message: 'the client on A to get the first 20 messages live' });
    const reconnected = chat.once('open');
    await a.kill();
    alive = [b.wsUrl];
    await say(sender, range(21, 60)); // while the client is finding B
    await withDeadline(reconnected, 15_000, 'the client to reconnect to instance B after A was killed');
    await say(sender, range(61, 70));

    await waitFor(() => got.length >= 70, { timeoutMs: 15_000, message: `all 70 messages after the reconnect (got ${got.length})` });
    expect(got, 'after moving from A to B the client must have every message exactly once, in order (resuming-client.ts + relay.ts replay)').toEqual(range(1, 70));
    expect(resyncs, 'the history was all there: no resync').toEqual([]);
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
    await withDeadline(chat.start(), 10_000, 'the client to connect to instance C');
    resuming.subscribe('room:r'); // open already: a starter that cannot send the request throws here
    await waitFor(() => replays.length === 1, { timeoutMs: 10_000, message: 'the answer to subscribe room:r' });
    await say(sender, range(1, 3), 'r');
    await waitFor(() => got.length === 3, { timeoutMs: 10_000, message: 'm1..m3 live' });

    // Offline while m4 and m5 are sent: the first reconnect replays exactly those two.
    alive = [REFUSED_URL];
    chat.cut();
    await say(sender, range(4, 5), 'r');
    const back = chat.once('open');
    alive = [c.wsUrl];
    await withDeadline(back, 10_000, 'the client to reconnect to instance C');
    await waitFor(() => replays.length === 2, { timeoutMs: 10_000, message: 'the answer to the resubscribe after the first reconnect' });
    // Then nothing new: every further reconnect must replay nothing (socket.io's Redis Streams
    // recovery once replayed the same messages on every reconnect: the client kept an old offset).
    for (let round = 0; round < 3; round += 1) {
      const reopened = chat.once('open');
      chat.cut();
      await withDeadline(reopened, 10_000, `reconnect ${round + 2}`);
      await waitFor(() => replays.length === round + 3, { timeoutMs: 10_000, message: `the answer to the resubscribe after reconnect ${round + 2}` });
    }
    await say(sender, ['m6'], 'r');
    await waitFor(() => got.length >= 6, { timeoutMs: 10_000, message: `m6 live after the reconnects (got ${got.join(', ')})` });

    expect(replays, 'replayed per subscribe: 0 at first, m4+m5 after the first reconnect, then 0 every time (resuming-client.ts must remember the position of every delivery, replayed or live)').toEqual([0, 2, 0, 0, 0]);
    expect(got, 'every message once, in order').toEqual(range(1, 6));
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
      { timeoutMs: 5000, message: 'B to report exactly the users of A and B in room p (C left it)' },
    );
    expect(everyone, 'A and B hold members of p; C left it').toMatchObject({ room: 'p', users: both });

    await a.kill();
    const deadline = Date.now() + 12_000;
    let users: unknown = everyone.users;
    while (JSON.stringify(users) !== JSON.stringify([onB.userId]) && Date.now() < deadline) {
      users = (await request(onB, { type: 'who', room: 'p' }, 'presence')).users;
    }
    expect(users, "the killed instance's user must drop out of presence within its 3 s expiry (presence.ts: entries carry their expiry as the score)").toEqual([onB.userId]);
  });
});
