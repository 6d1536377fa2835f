// Step 1: three instances joined by plain pub/sub. Every message reaches exactly the sockets that
// should get it, once, whichever instance each socket is on, and an instance listens only to the
// channels its own sockets need.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { say } from '../../tools/testing/say.ts';
import { useDatabase, useRedis } from '../../tools/testing/test-env.ts';
import { waitFor } from '../../tools/testing/wait.ts';
import { connect, type TestClient } from '../../tools/testing/ws-client.ts';
import { createSession } from '../07-websocket-server/test-kit.ts';
import { ask, startInstance, type Instance } from './cluster-kit.ts';
import { PubSubFanout } from './fanout.ts';
import { streamKeys } from './streams.ts';

const db = useDatabase();
const redis = useRedis();

let instances: Instance[] = [];
let prefix = '';
const clients: TestClient[] = [];

beforeAll(async () => {
  prefix = `${redis.key('fanout')}:`;
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

/** A message about fanout.ts (step 3) in both languages. */
const fan = (en: string, ko: string) => say({ en: `🚨 fanout.ts (step 3): ${en}`, ko: `🚨 fanout.ts (3단계): ${ko}` });

const request = (client: TestClient, message: Record<string, unknown>, reply: string) => ask(client, message, reply, 5000);

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
    expect(await bob.nextOf('message', fan('the room message on instance B (publish on the stream channel, deliver to local subscribers)', 'B 인스턴스의 방 메시지(스트림 채널에 발행하고 로컬 구독자에게 전달)'), () => true, 5000), fan('the message as sent', '보낸 그대로의 메시지')).toMatchObject(expected);
    expect(await alice.nextOf('message', fan('the echo to the sender on instance A', 'A 인스턴스의 보낸 사람에게 돌아오는 메아리'), () => true, 5000), fan('the echo as sent', '보낸 그대로의 메아리')).toMatchObject(expected);
    await expectNothingElse(bob, fan('bob must get the message exactly once', 'bob은 메시지를 정확히 한 번 받아야 합니다'));
    await expectNothingElse(carol, fan('carol is subscribed to r2 only: r1 must not reach her', 'carol은 r2만 구독했습니다: r1은 닿으면 안 됩니다'));
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
      expect(await tab.nextOf('dm', fan("the direct message on every tab's instance", '모든 탭의 인스턴스로 가는 DM'), () => true, 5000), fan('the DM as sent', '보낸 그대로의 DM')).toMatchObject({ type: 'dm', from: alice.userId, text: 'psst', id: 'd1' });
      expect(await tab.nextOf('event', fan('the server push (publish from a process with no sockets)', '서버 푸시(소켓이 없는 프로세스에서 발행)'), () => true, 5000), fan('the push as sent', '보낸 그대로의 푸시')).toMatchObject({ type: 'event', name: 'job.progress', data: { percent: 50 } });
      await expectNothingElse(tab, fan('each tab gets the DM and the push once', '탭마다 DM과 푸시를 한 번씩 받습니다'));
    }
    await expectNothingElse(dave, fan("bob's messages must not reach dave", 'bob의 메시지가 dave에게 가면 안 됩니다'));
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
    expect(await subscribers(), fan('A and B have subscribers (A has two: still one Redis subscription, Interest.add says "first" once); C has none', 'A와 B에 구독자가 있습니다(A는 둘이어도 Redis 구독은 하나, Interest.add가 "처음"이라고 한 번만 말함). C에는 없습니다')).toBe(2);

    await request(onA1, { type: 'unsubscribe', stream: 'room:counted' }, 'unsubscribed');
    expect(await subscribers(), fan('A still has one local subscriber: it stays subscribed', 'A에 로컬 구독자가 아직 하나 있으니 구독을 유지합니다')).toBe(2);
    await request(onA2, { type: 'unsubscribe', stream: 'room:counted' }, 'unsubscribed');
    expect(await subscribers(), fan("A's last local subscriber left: A unsubscribes the channel (Interest.remove says \"last\")", 'A의 마지막 로컬 구독자가 떠났으니 A는 채널 구독을 해제합니다(Interest.remove가 "마지막")')).toBe(1);
    await onB.close();
    await waitFor(async () => (await subscribers()) === 0, { message: fan("B's only subscriber closed its socket: B must unsubscribe the channel (dropConnection)", 'B의 유일한 구독자가 소켓을 닫았으니 B는 채널 구독을 해제해야 합니다(dropConnection)') });
  });
});
