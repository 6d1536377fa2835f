// Bad positions and bad requests: every one gets a defined answer with a code, never silence and
// never someone else's messages.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { useDatabase, useRedis } from '../../tools/testing/test-env.ts';
import { connect, type TestClient } from '../../tools/testing/ws-client.ts';
import { createSession } from '../07-websocket-server/test-kit.ts';
import { startInstance, type Instance } from './cluster-kit.ts';
import { newEpoch } from './streams.ts';

const db = useDatabase();
const redis = useRedis();
let instance: Instance;
const clients: TestClient[] = [];

beforeAll(async () => {
  // A short history (about 10 entries kept) so that a client can fall behind it.
  instance = await startInstance({ DATABASE_URL: db.url, REDIS_URL: redis.url, KEY_PREFIX: redis.key('resume') + ':', CLUSTER_MODE: 'relay', RELAY_MAXLEN: '10' });
});
afterAll(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await instance?.kill();
});

async function client() {
  const session = await createSession(db.prisma);
  const c = await connect(instance.wsUrl, { token: session.token, timeoutMs: 10_000 });
  clients.push(c);
  return Object.assign(c, { userId: session.userId });
}

type Reply = Record<string, unknown> & { type: string };
async function request(c: TestClient, message: Record<string, unknown>, reply = 'subscribed') {
  c.send({ ...message, id: 'q' });
  return c.take<Reply>((m) => ['error', reply].includes((m as Reply).type) && (m as Reply).id === 'q', `the answer to ${JSON.stringify(message)}`, 10_000);
}

/** A room with `count` messages in it; returns the position after the first one and the last one. */
async function roomWith(room: string, count: number) {
  const sender = await client();
  await request(sender, { type: 'join', room }, 'joined');
  const head = await request(sender, { type: 'subscribe', stream: `room:${room}` });
  let first: { epoch: string; offset: string } | undefined;
  for (let i = 1; i <= count; i += 1) {
    sender.send({ type: 'say', room, text: `m${i}` });
    const echo = await sender.nextOf<Reply & { pos: { epoch: string; offset: string } }>('message', `the echo of m${i}`, (m) => m.text === `m${i}`, 10_000);
    first ??= echo.pos;
  }
  return { first: first!, epoch: head.epoch as string };
}

describe('resuming from a position', () => {
  test('a client that missed a few messages gets exactly those, then goes live', async () => {
    const { first } = await roomWith('few', 5);
    const late = await client();

    const reply = await request(late, { type: 'subscribe', stream: 'room:few', epoch: first.epoch, offset: first.offset });

    expect(reply, 'm2..m5 were missed: 4 replayed').toMatchObject({ type: 'subscribed', replayed: 4 });
    const replayed = late.pending.filter((m) => (m as Reply).type === 'message').map((m) => (m as Reply).text);
    expect(replayed, 'the replay comes before "subscribed", in order').toEqual(['m2', 'm3', 'm4', 'm5']);
  });

  test('a client offline longer than the history is told to resync, not left with a silent gap', async () => {
    const { first } = await roomWith('long', 300); // far past MAXLEN ~ 10: the oldest entries are trimmed
    const late = await client();

    late.send({ type: 'subscribe', stream: 'room:long', epoch: first.epoch, offset: first.offset, id: 'q' });
    const resync = await late.nextOf('resync', 'a resync: the history no longer reaches back to m1', () => true, 10_000);

    expect(resync, 'reason history_lost, with the position from which the history is complete').toMatchObject({ stream: 'room:long', epoch: first.epoch, reason: 'history_lost' });
    const reply = await late.nextOf<Reply>('subscribed', 'subscribed after the resync', () => true, 10_000);
    const texts = late.pending.filter((m) => (m as Reply).type === 'message').map((m) => (m as Reply).text);
    expect(texts.at(-1), 'what the history still has follows the resync, up to the newest message').toBe('m300');
    expect(texts.length, 'only what is left after the trimmed part').toBe(reply.replayed);
  });
});

describe('bad positions and requests', () => {
  test('a future offset and a forged offset are refused with bad_offset', async () => {
    const { first } = await roomWith('forged', 3);
    const c = await client();

    const future = await request(c, { type: 'subscribe', stream: 'room:forged', epoch: first.epoch, offset: '99999999999999-0' });
    const forged = await request(c, { type: 'subscribe', stream: 'room:forged', epoch: first.epoch, offset: '1-0' });

    expect(future, 'an offset ahead of the stream was never handed out').toMatchObject({ type: 'error', code: 'bad_offset' });
    expect(forged, 'an offset inside the history that is no entry was never handed out').toMatchObject({ type: 'error', code: 'bad_offset' });
  });

  test("another stream's epoch is refused with foreign_epoch; an older epoch of this stream means resync", async () => {
    const { first } = await roomWith('epochs', 2);
    const other = await roomWith('elsewhere', 1);
    const c = await client();

    const foreign = await request(c, { type: 'subscribe', stream: 'room:epochs', epoch: other.first.epoch, offset: first.offset });
    c.send({ type: 'subscribe', stream: 'room:epochs', epoch: newEpoch('room:epochs'), offset: first.offset, id: 'old' });
    const resync = await c.nextOf('resync', 'a resync for an epoch that is no longer current', () => true, 10_000);

    expect(foreign).toMatchObject({ type: 'error', code: 'foreign_epoch' });
    expect(resync).toMatchObject({ reason: 'epoch_changed', epoch: first.epoch, offset: '0-0' });
  });

  test("subscribing to another user's stream, or to a stream nobody granted, is refused with forbidden", async () => {
    const alice = await client();
    const bob = await client();

    const own = await request(alice, { type: 'subscribe', stream: `user:${alice.userId}` });
    const theirs = await request(alice, { type: 'subscribe', stream: `user:${bob.userId}` });
    const job = await request(alice, { type: 'subscribe', stream: 'job:1' });
    alice.send({ type: 'dm', to: bob.userId, text: 'hi' });
    bob.send({ type: 'dm', to: bob.userId, text: 'note to self' }); // to bob's stream, which alice must not hear

    expect(own).toMatchObject({ type: 'subscribed' });
    expect(theirs, "bob's direct messages are bob's").toMatchObject({ type: 'error', code: 'forbidden' });
    expect(job, 'job streams are granted by the app (authorize), not by default').toMatchObject({ type: 'error', code: 'forbidden' });
    alice.send({ type: 'ping', id: 'end' });
    expect(await alice.nextOf('pong', 'the pong'), 'nothing of bob may reach alice').toBeDefined();
    expect(alice.pending.filter((m) => (m as Reply).type === 'dm')).toEqual([]);
  });
});
