// Step 4 and 5: instances die. A client whose instance is killed (SIGKILL) reconnects to another
// and resumes every stream from its last position: nothing missing, nothing twice. Presence
// forgets a dead instance's users within its expiry.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { useDatabase, useRedis } from '../../tools/testing/test-env.ts';
import { waitFor, withDeadline } from '../../tools/testing/wait.ts';
import { connect, type TestClient } from '../../tools/testing/ws-client.ts';
import { createSession } from '../07-websocket-server/test-kit.ts';
import { chatClient, startInstance, type Instance } from './cluster-kit.ts';
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

async function say(sender: TestClient, texts: string[]) {
  for (const text of texts) {
    sender.send({ type: 'say', room: 'k', text });
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
    await request(sender, { type: 'join', room: 'k' }, 'joined');
    await request(sender, { type: 'subscribe', stream: 'room:k' }, 'subscribed');
    await say(sender, range(1, 5));
    const probe = await client(c);
    const first = await request(probe, { type: 'subscribe', stream: 'room:k' }, 'subscribed');

    for (let round = 0; round < 3; round += 1) {
      const again = await client(c);
      const reply = await request(again, { type: 'subscribe', stream: 'room:k', epoch: first.epoch, offset: first.offset }, 'subscribed');
      expect(reply, `reconnect ${round + 1}: nothing happened since that offset, so nothing may be replayed`).toMatchObject({ replayed: 0, offset: first.offset });
      again.send({ type: 'ping', id: 'p' });
      expect(await again.next('the pong'), 'no message may arrive before the pong').toEqual({ type: 'pong', id: 'p' });
    }
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

    const everyone = await request(onB, { type: 'who', room: 'p' }, 'presence');
    expect(everyone, 'A and B hold members of p; C left it').toMatchObject({ room: 'p', users: [onA.userId, onB.userId].sort((x, y) => x - y) });

    await a.kill();
    const deadline = Date.now() + 12_000;
    let users: unknown = everyone.users;
    while (JSON.stringify(users) !== JSON.stringify([onB.userId]) && Date.now() < deadline) {
      users = (await request(onB, { type: 'who', room: 'p' }, 'presence')).users;
    }
    expect(users, "the killed instance's user must drop out of presence within its 3 s expiry (presence.ts: entries carry their expiry as the score)").toEqual([onB.userId]);
  });
});
