// Step 1: three instances joined by plain pub/sub. Every message reaches exactly the sockets that
// should get it, once, whichever instance each socket is on, and an instance listens only to the
// channels its own sockets need.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { useDatabase, useRedis } from '../../tools/testing/test-env.ts';
import { waitFor } from '../../tools/testing/wait.ts';
import { connect, type TestClient } from '../../tools/testing/ws-client.ts';
import { createSession } from '../07-websocket-server/test-kit.ts';
import { startInstance, type Instance } from './cluster-kit.ts';
import { PubSubFanout } from './fanout.ts';
import { streamKeys } from './streams.ts';

const db = useDatabase();
const redis = useRedis();

let instances: Instance[] = [];
let prefix = '';
const clients: TestClient[] = [];

beforeAll(async () => {
  prefix = redis.key('fanout') + ':';
  const env = { DATABASE_URL: db.url, REDIS_URL: redis.url, KEY_PREFIX: prefix, CLUSTER_MODE: 'pubsub' as const };
  instances = await Promise.all([startInstance(env), startInstance(env), startInstance(env)]);
});

afterAll(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(instances.map((i) => i.kill()));
});

async function user(instance: Instance, userId?: { userId: number; token: string }) {
  const session = userId ?? (await createSession(db.prisma));
  const client = await connect(instance.wsUrl, { token: session.token });
  clients.push(client);
  return Object.assign(client, { userId: session.userId, token: session.token, session });
}

async function request(client: TestClient, message: Record<string, unknown>, reply: string) {
  client.send(message);
  return client.nextOf(reply, `"${reply}" for ${JSON.stringify(message)}`, () => true, 5000);
}

/** Proves nothing else is queued for `client`: its next message is the pong to this ping. */
async function expectNothingElse(client: TestClient, why: string) {
  client.send({ type: 'ping', id: 'last' });
  expect(await client.next('the pong', 5000), why).toEqual({ type: 'pong', id: 'last' });
}

describe('fan-out across instances', () => {
  test('a room message reaches every subscriber on every instance once, and nobody else', async () => {
    const [a, b, c] = instances as [Instance, Instance, Instance];
    const [alice, bob, carol] = [await user(a), await user(b), await user(c)];
    for (const member of [alice, bob]) {
      await request(member, { type: 'join', room: 'r1' }, 'joined');
      await request(member, { type: 'subscribe', stream: 'room:r1' }, 'subscribed');
    }
    await request(carol, { type: 'subscribe', stream: 'room:r2' }, 'subscribed');

    alice.send({ type: 'say', room: 'r1', text: 'hello', id: 'm1' });

    const expected = { type: 'message', room: 'r1', from: alice.userId, text: 'hello', id: 'm1' };
    expect(await bob.nextOf('message', 'the room message on instance B', () => true, 5000)).toMatchObject(expected);
    expect(await alice.nextOf('message', 'the echo to the sender on instance A', () => true, 5000)).toMatchObject(expected);
    await expectNothingElse(bob, 'bob must get the message exactly once');
    await expectNothingElse(carol, 'carol is subscribed to r2 only: r1 must not reach her');
  });

  test('a direct message and a server push reach every tab of the user, on different instances, once', async () => {
    const [a, b, c] = instances as [Instance, Instance, Instance];
    const alice = await user(a);
    const bobTab1 = await user(b);
    const bobTab2 = await user(c, bobTab1.session);
    const dave = await user(c);
    for (const tab of [bobTab1, bobTab2]) await request(tab, { type: 'subscribe', stream: `user:${bobTab1.userId}` }, 'subscribed');
    await request(dave, { type: 'subscribe', stream: `user:${dave.userId}` }, 'subscribed');

    alice.send({ type: 'dm', to: bobTab1.userId, text: 'psst', id: 'd1' });
    const pusher = new PubSubFanout({ redis: redis.client, subscriber: redis.client, prefix, deliver: () => false });
    await pusher.publish(`user:${bobTab1.userId}`, { type: 'event', name: 'job.progress', data: { percent: 50 } });

    for (const tab of [bobTab1, bobTab2]) {
      expect(await tab.nextOf('dm', 'the direct message', () => true, 5000)).toMatchObject({ type: 'dm', from: alice.userId, text: 'psst', id: 'd1' });
      expect(await tab.nextOf('event', 'the server push', () => true, 5000)).toMatchObject({ type: 'event', name: 'job.progress', data: { percent: 50 } });
      await expectNothingElse(tab, 'each tab gets the DM and the push once');
    }
    await expectNothingElse(dave, "bob's messages must not reach dave");
  });

  test("an instance subscribes to a stream's channel with its first local subscriber and unsubscribes after the last", async () => {
    const [a, b, c] = instances as [Instance, Instance, Instance];
    const channel = streamKeys(prefix, 'room:counted').fanoutChannel;
    const subscribers = async () => Number((await redis.client.pubSubNumSub(channel))[channel] ?? 0);
    const onA1 = await user(a);
    const onA2 = await user(a);
    const onB = await user(b);
    await user(c); // C has sockets, but none wants the stream

    for (const client of [onA1, onA2, onB]) await request(client, { type: 'subscribe', stream: 'room:counted' }, 'subscribed');
    expect(await subscribers(), 'A and B have subscribers (A has two: still one Redis subscription); C has none').toBe(2);

    await request(onA1, { type: 'unsubscribe', stream: 'room:counted' }, 'unsubscribed');
    expect(await subscribers(), 'A still has one local subscriber').toBe(2);
    await request(onA2, { type: 'unsubscribe', stream: 'room:counted' }, 'unsubscribed');
    expect(await subscribers(), "A's last local subscriber left: A unsubscribes").toBe(1);
    await onB.close();
    await waitFor(async () => (await subscribers()) === 0, { message: "B's only subscriber closed its socket: B must unsubscribe the channel" });
  });
});
