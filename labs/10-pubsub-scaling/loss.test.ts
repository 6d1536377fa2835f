// Steps 3 and 5: what plain pub/sub loses (fanout.ts), and a relay that loses nothing (relay.ts). Two instances; a sender on
// A, a receiver on B. B's link to Redis goes down (a cut connection, then a Redis restart) while A
// keeps publishing. Plain pub/sub drops what was published meanwhile; the relay delivers all of it.
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { privateRedis, type PrivateRedis } from '../../tools/testing/redis-server.ts';
import { say } from '../../tools/testing/say.ts';
import { TcpProxy } from '../../tools/testing/tcp-proxy.ts';
import { useDatabase, useRedis } from '../../tools/testing/test-env.ts';
import { connect, type TestClient } from '../../tools/testing/ws-client.ts';
import { createSession } from '../07-websocket-server/test-kit.ts';
import { createClient } from 'redis';
import { waitFor } from '../../tools/testing/wait.ts';
import { ask, startInstance, type Instance, type InstanceEnv } from './cluster-kit.ts';
import { streamKeys } from './streams.ts';

// Each test chains several waits, each with its own deadline and a message naming what did not
// happen; the file's test limit covers their sum, so on a loaded machine those messages, not the
// project's bare 20 s testTimeout, say what went wrong. (The watchdog reads each test's own limit.)
vi.setConfig({ testTimeout: 60_000 });

const db = useDatabase();
const redis = useRedis();
const cleanup: Array<() => Promise<unknown>> = [];
async function stopAll() {
  for (const step of cleanup.splice(0).reverse()) await step().catch(() => {});
}

type Mode = 'pubsub' | 'relay';
const DURING = 20;

async function client(instance: Instance) {
  const session = await createSession(db.prisma);
  const c = await connect(instance.wsUrl, { token: session.token, timeoutMs: 10_000 });
  cleanup.push(() => c.close());
  return Object.assign(c, { userId: session.userId });
}

const request = (c: TestClient, message: Record<string, unknown>, reply: string) => ask(c, message, reply);

/** A sender on A and a receiver on B, both subscribed to room:r; the receiver got one message live. */
async function pair(envA: InstanceEnv, envB: InstanceEnv) {
  const [a, b] = await Promise.all([startInstance(envA), startInstance(envB)]);
  cleanup.push(() => a.kill(), () => b.kill());
  const [sender, receiver] = [await client(a), await client(b)];
  await request(sender, { type: 'join', room: 'r' }, 'joined');
  await request(sender, { type: 'subscribe', stream: 'room:r' }, 'subscribed');
  await request(receiver, { type: 'subscribe', stream: 'room:r' }, 'subscribed');
  sender.send({ type: 'say', room: 'r', text: 'before' });
  await receiver.nextOf('message', say({ en: 'the first message, live, on instance B (fanout.ts or relay.ts: live delivery)', ko: 'B 인스턴스에서 실시간으로 받는 첫 메시지(fanout.ts 또는 relay.ts: 실시간 전달)' }), (m) => m.text === 'before', 10_000);
  await sender.nextOf('message', say({ en: "the sender's own echo", ko: '보낸 사람에게 돌아오는 메아리' }), (m) => m.text === 'before', 10_000);
  return { sender, receiver, prefix: envA.KEY_PREFIX };
}

/** Texts of the messages the receiver got up to (and without) `after`, in order; resyncs are counted apart. */
async function collectUntil(receiver: TestClient, last: string) {
  const texts: string[] = [];
  const resyncs: unknown[] = [];
  for (;;) {
    const m = await receiver.take<{ type: string; text?: string }>(
      (x) => ['message', 'resync'].includes((x as { type: string }).type),
      say({ en: `the message "${last}" on instance B (relay.ts, step 5: a gap or a new epoch -> catchUp from the log)`, ko: `B 인스턴스의 메시지 "${last}"(relay.ts, 5단계: 빈틈이나 새 에포크 -> 로그에서 catchUp)` }),
      20_000,
    );
    if (m.type === 'resync') resyncs.push(m);
    else if (m.text === last) return { texts, resyncs };
    else texts.push(m.text!);
  }
}

/** Waits until both instances are subscribed to the stream's channel again (B reconnected to Redis). */
async function bothSubscribed(url: string, prefix: string, mode: Mode) {
  const keys = streamKeys(prefix, 'room:r');
  const channel = mode === 'relay' ? keys.live : keys.fanoutChannel;
  const probe = createClient({ url });
  probe.on('error', () => {});
  await probe.connect();
  try {
    await waitFor(async () => Number((await probe.pubSubNumSub(channel))[channel] ?? 0) === 2, {
      timeoutMs: 15_000,
      message: say({ en: `both instances to subscribe ${channel} again after Redis came back (node-redis resubscribes by itself: keep the listener registered)`, ko: `Redis가 돌아온 뒤 두 인스턴스가 ${channel}을 다시 구독하기(node-redis가 알아서 다시 구독합니다: 리스너를 등록해 두세요)` }),
    });
  } finally {
    probe.destroy();
  }
}

const expectedDuring = Array.from({ length: DURING }, (_, i) => `during-${i}`);

// Every process starts in beforeAll (the runner gives a test 25 s and a hook 35 s): a test only
// plays its scenario.
/**
 * In the current describe: for each of `modes`, a sender on A and a receiver on B, whose Redis link
 * goes through a proxy that can cut it. Returns the scenario: cut B off, publish, restore, collect.
 * Plain pub/sub and the relay get describes of their own: the first checks fanout.ts (step 3), the
 * second relay.ts (step 5).
 */
function cutOff(modes: readonly Mode[]) {
  const pairs = {} as Record<Mode, Awaited<ReturnType<typeof pair>>>;
  // A set-up that fails (an unfinished starter crashes an instance) fails that mode's test, not the hook.
  const setupErrors: Partial<Record<Mode, unknown>> = {};
  let proxy: TcpProxy;
  beforeAll(async () => {
    proxy = await TcpProxy.start(redis.url);
    const env = (mode: Mode) => ({ DATABASE_URL: db.url, KEY_PREFIX: `${redis.key(`cut-${mode}`)}:`, CLUSTER_MODE: mode });
    await Promise.all(
      modes.map(async (mode) => {
        try {
          pairs[mode] = await pair({ ...env(mode), REDIS_URL: redis.url }, { ...env(mode), REDIS_URL: proxy.url });
        } catch (error) {
          setupErrors[mode] = error;
        }
      }),
    );
  });
  afterAll(async () => {
    await stopAll();
    await proxy?.close();
  });

  async function run(mode: Mode) {
    if (setupErrors[mode]) throw setupErrors[mode];
    const { sender, receiver, prefix } = pairs[mode];
    await proxy.cut(); // B loses Redis; A and both sockets carry on
    try {
      for (const text of expectedDuring) {
        sender.send({ type: 'say', room: 'r', text });
        await sender.nextOf('message', `the echo of ${text}: it was published`, (m) => m.text === text, 10_000);
      }
    } finally {
      await proxy.restore();
    }
    await bothSubscribed(redis.url, prefix, mode);
    sender.send({ type: 'say', room: 'r', text: 'after' });
    return collectUntil(receiver, 'after');
  }
  return run;
}

describe('a subscriber cut off from Redis: plain pub/sub', () => {
  const run = cutOff(['pubsub']);

  test('plain pub/sub loses what was published meanwhile', async () => {
    const plain = await run('pubsub');

    console.log(`[lab 10] subscriber cut off: plain pub/sub lost ${DURING - plain.texts.length} of ${DURING}`);
    expect(plain.texts, say({ en: 'fanout.ts (step 3): plain pub/sub keeps no history: nothing published while B was cut off can reach it', ko: 'fanout.ts (3단계): 일반 pub/sub은 기록을 남기지 않습니다. B가 끊긴 동안 발행한 것은 B에 닿을 수 없습니다' })).toEqual([]);
  });
});

describe('a subscriber cut off from Redis: the relay', () => {
  const run = cutOff(['relay']);

  test('the relay delivers all of it, in order, once', async () => {
    const relay = await run('relay');

    console.log(`[lab 10] subscriber cut off: the relay lost ${DURING - relay.texts.length} of ${DURING}`);
    expect(relay.texts, say({ en: '🚨 relay.ts (step 5): the relay must deliver every message B missed, in order, with no duplicate: when a live entry\'s prev is not your last (or the subscriber reconnects), catch up from the log', ko: '🚨 relay.ts (5단계): 릴레이는 B가 놓친 메시지를 모두 순서대로, 중복 없이 전달해야 합니다. 실시간 엔트리의 prev가 내 last가 아니면(또는 구독 연결이 다시 붙으면) 로그에서 따라잡으세요' })).toEqual(expectedDuring);
    expect(relay.resyncs, say({ en: '🚨 relay.ts (step 5): nothing was lost from the history: no resync', ko: '🚨 relay.ts (5단계): 기록에서 잃은 것이 없으니 resync도 없어야 합니다' })).toEqual([]);
  });
});

/**
 * In the current describe: for each of `modes`, a sender on A and a receiver on B on a private Redis
 * without persistence. Returns the scenario: kill Redis, send, start it again, collect.
 */
function restart(modes: readonly Mode[]) {
  const setups = {} as Record<Mode, Awaited<ReturnType<typeof pair>> & { server: PrivateRedis }>;
  const setupErrors: Partial<Record<Mode, unknown>> = {};
  const servers: PrivateRedis[] = [];
  beforeAll(async () => {
    await Promise.all(
      modes.map(async (mode) => {
        const server = await privateRedis();
        servers.push(server);
        const env = { DATABASE_URL: db.url, REDIS_URL: server.url, KEY_PREFIX: `lab10:restart-${mode}:`, CLUSTER_MODE: mode };
        try {
          setups[mode] = { ...(await pair(env, env)), server };
        } catch (error) {
          setupErrors[mode] = error;
        }
      }),
    );
  });
  afterAll(async () => {
    await stopAll();
    await Promise.all(servers.map((server) => server.stop()));
  });

  async function run(mode: Mode) {
    if (setupErrors[mode]) throw setupErrors[mode];
    const { sender, receiver, server } = setups[mode];
    await server.stop(); // SIGKILL, no persistence: every stream and epoch is gone
    // Queued by A's Redis client until Redis is back; one that was already on the wire when the
    // connection broke is answered `unavailable`, and the sender sends it again, as a client would.
    for (const text of expectedDuring) sender.send({ type: 'say', room: 'r', text, id: text });
    await server.start();
    await bothSubscribed(server.url, `lab10:restart-${mode}:`, mode);
    const refused = sender.pending.filter((m) => (m as { code?: string }).code === 'unavailable').map((m) => (m as { id: string }).id);
    for (const text of refused) sender.send({ type: 'say', room: 'r', text, id: text });
    sender.send({ type: 'say', room: 'r', text: 'after' });
    return collectUntil(receiver, 'after');
  }
  return run;
}

describe('Redis restarting: plain pub/sub', () => {
  const run = restart(['pubsub']);

  test('plain pub/sub: what was sent during the restart is counted (it may be lost)', async () => {
    const plain = await run('pubsub');

    console.log(`[lab 10] Redis restart: plain pub/sub lost ${DURING - plain.texts.length} of ${DURING}`);
    expect(plain.texts.length, say({ en: 'fanout.ts (step 3): plain pub/sub can deliver at most what was sent', ko: 'fanout.ts (3단계): 일반 pub/sub은 보낸 것보다 많이 전달할 수 없습니다' })).toBeLessThanOrEqual(DURING);
  });
});

describe('Redis restarting: the relay', () => {
  const run = restart(['relay']);

  test('the relay delivers all of it and says the history restarted', async () => {
    const relay = await run('relay');

    console.log(`[lab 10] Redis restart: the relay lost ${DURING - relay.texts.length} of ${DURING}`);
    expect([...relay.texts].sort(), say({ en: '🚨 relay.ts (step 5): every message sent while Redis was down must reach B exactly once', ko: '🚨 relay.ts (5단계): Redis가 내려간 동안 보낸 메시지는 모두 B에 정확히 한 번 닿아야 합니다' })).toEqual([...expectedDuring].sort());
    expect(relay.resyncs.length, say({ en: '🚨 relay.ts (step 5): the restart lost the history (a new epoch): catchUp must tell B\'s sockets to resync (epoch_changed)', ko: '🚨 relay.ts (5단계): 재시작으로 기록을 잃었습니다(새 에포크). catchUp은 B의 소켓에 resync(epoch_changed)를 알려야 합니다' })).toBeGreaterThan(0);
    for (const resync of relay.resyncs) expect(resync, say({ en: 'relay.ts (step 5): a resync after a new epoch names the stream, epoch_changed and offset 0-0', ko: 'relay.ts (5단계): 새 에포크 뒤의 resync는 스트림, epoch_changed, 오프셋 0-0을 담습니다' })).toMatchObject({ type: 'resync', stream: 'room:r', reason: 'epoch_changed', offset: '0-0' });
  });
});
