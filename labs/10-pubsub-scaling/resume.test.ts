// Bad positions and bad requests: every one gets a defined answer with a code, never silence and
// never someone else's messages.
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { say } from '../../tools/testing/say.ts';
import { useDatabase, useRedis } from '../../tools/testing/test-env.ts';
import { connect, type TestClient } from '../../tools/testing/ws-client.ts';
import { createSession } from '../07-websocket-server/test-kit.ts';
import { startInstance, type Instance } from './cluster-kit.ts';
import { newEpoch } from './streams.ts';

// Each test chains several waits, each with its own deadline and a message naming what did not
// happen; the file's test limit covers their sum, so on a loaded machine those messages, not the
// project's bare 20 s testTimeout, say what went wrong. (The watchdog reads each test's own limit.)
vi.setConfig({ testTimeout: 60_000 });

const db = useDatabase();
const redis = useRedis();
let instance: Instance;
const clients: TestClient[] = [];

beforeAll(async () => {
  // A short history (about 10 entries kept) so that a client can fall behind it.
  instance = await startInstance({ DATABASE_URL: db.url, REDIS_URL: redis.url, KEY_PREFIX: `${redis.key('resume')}:`, CLUSTER_MODE: 'relay', RELAY_MAXLEN: '10' });
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
/** A message about relay.ts (step 5) in both languages. */
const relay = (en: string, ko: string) => say({ en: `🚨 relay.ts (step 5): ${en}`, ko: `🚨 relay.ts (5단계): ${ko}` });
async function request(c: TestClient, message: Record<string, unknown>, reply = 'subscribed') {
  c.send({ ...message, id: 'q' });
  return c.take<Reply>((m) => ['error', reply].includes((m as Reply).type) && (m as Reply).id === 'q', relay(`the answer to ${JSON.stringify(message)} (subscribe answers "subscribed" or an "error" with a code, never nothing)`, `${JSON.stringify(message)}에 대한 답("subscribed" 또는 코드가 있는 "error", 무응답은 안 됨)`), 10_000);
}

/** A room with `count` messages in it; returns the position after the first one and the last one. */
async function roomWith(room: string, count: number) {
  const sender = await client();
  await request(sender, { type: 'join', room }, 'joined');
  const head = await request(sender, { type: 'subscribe', stream: `room:${room}` });
  // Refused, the sender would never hear its own echo: fail now with the instance's reason.
  if (head.type === 'error') throw new Error(relay(`the sender's subscribe to room:${room} was refused (${String(head.code)}: ${String(head.message)})`, `보낸 사람의 room:${room} 구독이 거절되었습니다(${String(head.code)}: ${String(head.message)})`));
  let first: { epoch: string; offset: string } | undefined;
  for (let i = 1; i <= count; i += 1) {
    sender.send({ type: 'say', room, text: `m${i}` });
    const echo = await sender.take<Reply & { pos: { epoch: string; offset: string } }>(
      (m) => ((m as Reply).type === 'message' && (m as Reply).text === `m${i}`) || (m as Reply).type === 'error',
      relay(`the echo of m${i}, live (publish, then fanOut)`, `m${i}의 메아리, 실시간(publish 다음 fanOut)`),
      10_000,
    );
    if (echo.type === 'error') throw new Error(relay(`"say" of m${i} was refused (${String(echo.code)}: ${String(echo.message)}): publish() must append it to the stream`, `m${i}의 "say"가 거절되었습니다(${String(echo.code)}: ${String(echo.message)}): publish()가 스트림에 덧붙여야 합니다`));
    first ??= echo.pos;
  }
  return { first: first!, epoch: head.epoch as string };
}

describe('resuming from a position', () => {
  test('a client that missed a few messages gets exactly those, then goes live', async () => {
    const { first } = await roomWith('few', 5);
    const late = await client();

    const reply = await request(late, { type: 'subscribe', stream: 'room:few', epoch: first.epoch, offset: first.offset });

    expect(reply, relay('m2..m5 were missed: "subscribed" says 4 replayed', 'm2..m5를 놓쳤습니다: "subscribed"에 replayed 4')).toMatchObject({ type: 'subscribed', replayed: 4 });
    const replayed = late.pending.filter((m) => (m as Reply).type === 'message').map((m) => (m as Reply).text);
    expect(replayed, relay('the replay comes before "subscribed", in order (replay, then live.add, then send subscribed)', '재전송은 "subscribed"보다 먼저, 순서대로 옵니다(replay, live.add, subscribed 전송 순)')).toEqual(['m2', 'm3', 'm4', 'm5']);
  });

  test('a client offline longer than the history is told to resync, not left with a silent gap', async () => {
    const { first } = await roomWith('long', 300); // far past MAXLEN ~ 10: the oldest entries are trimmed
    const late = await client();

    late.send({ type: 'subscribe', stream: 'room:long', epoch: first.epoch, offset: first.offset, id: 'q' });
    const resync = await late.nextOf('resync', relay('a resync: the history no longer reaches back to m1 (planResume says resync: send it before the replay)', 'resync: 기록이 m1까지 거슬러 가지 못합니다(planResume이 resync라고 하면 재전송 전에 보내세요)'), () => true, 10_000);

    expect(resync, relay('reason history_lost, with the epoch and the position from which the history is complete', 'reason은 history_lost, 에포크와 기록이 온전해지는 위치를 함께')).toMatchObject({ stream: 'room:long', epoch: first.epoch, reason: 'history_lost' });
    const reply = await late.nextOf<Reply>('subscribed', relay('"subscribed" after the resync', 'resync 다음의 "subscribed"'), () => true, 10_000);
    const texts = late.pending.filter((m) => (m as Reply).type === 'message').map((m) => (m as Reply).text);
    expect(texts.at(-1), relay('what the history still has follows the resync, up to the newest message', 'resync 뒤에 기록에 남은 것이 가장 새 메시지까지 이어집니다')).toBe('m300');
    expect(texts.length, relay('"replayed" counts only what is left after the trimmed part', '"replayed"는 잘린 부분 뒤에 남은 것만 셉니다')).toBe(reply.replayed);
  });
});

describe('bad positions and requests', () => {
  test('a future offset and a forged offset are refused with bad_offset', async () => {
    const { first } = await roomWith('forged', 3);
    const c = await client();

    const future = await request(c, { type: 'subscribe', stream: 'room:forged', epoch: first.epoch, offset: '99999999999999-0' });
    const forged = await request(c, { type: 'subscribe', stream: 'room:forged', epoch: first.epoch, offset: '1-0' });

    expect(future, relay('an offset ahead of the stream was never handed out: error bad_offset', '스트림보다 앞선 오프셋은 건넨 적이 없습니다: error bad_offset')).toMatchObject({ type: 'error', code: 'bad_offset' });
    expect(forged, relay('an offset inside the history that is no entry was never handed out: bad_offset (check that the entry exists)', '기록 안이지만 엔트리가 아닌 오프셋도 건넨 적이 없습니다: bad_offset(엔트리가 있는지 확인하세요)')).toMatchObject({ type: 'error', code: 'bad_offset' });
  });

  test("another stream's epoch is refused with foreign_epoch; an older epoch of this stream means resync", async () => {
    const { first } = await roomWith('epochs', 2);
    const other = await roomWith('elsewhere', 1);
    const c = await client();

    const foreign = await request(c, { type: 'subscribe', stream: 'room:epochs', epoch: other.first.epoch, offset: first.offset });
    c.send({ type: 'subscribe', stream: 'room:epochs', epoch: newEpoch('room:epochs'), offset: first.offset, id: 'old' });
    const resync = await c.nextOf('resync', relay('a resync for an epoch of this stream that is no longer current', '이 스트림의, 이제는 현재가 아닌 에포크에 대한 resync'), () => true, 10_000);

    expect(foreign, relay("another stream's epoch: error foreign_epoch", '다른 스트림의 에포크: error foreign_epoch')).toMatchObject({ type: 'error', code: 'foreign_epoch' });
    expect(resync, relay('an older epoch of this stream: resync epoch_changed from 0-0, with the current epoch', '이 스트림의 예전 에포크: 현재 에포크와 함께 0-0부터 epoch_changed로 resync')).toMatchObject({ reason: 'epoch_changed', epoch: first.epoch, offset: '0-0' });
  });

  test("subscribing to another user's stream, or to a stream nobody granted, is refused with forbidden", async () => {
    const alice = await client();
    const bob = await client();

    const own = await request(alice, { type: 'subscribe', stream: `user:${alice.userId}` });
    const theirs = await request(alice, { type: 'subscribe', stream: `user:${bob.userId}` });
    const job = await request(alice, { type: 'subscribe', stream: 'job:1' });
    alice.send({ type: 'dm', to: bob.userId, text: 'hi' });
    bob.send({ type: 'dm', to: bob.userId, text: 'note to self' }); // to bob's stream, which alice must not hear

    expect(own, relay('her own user stream: subscribed', '자기 사용자 스트림: subscribed')).toMatchObject({ type: 'subscribed' });
    expect(theirs, say({ en: "node.ts: bob's direct messages are bob's: forbidden", ko: 'node.ts: bob의 DM은 bob의 것입니다: forbidden' })).toMatchObject({ type: 'error', code: 'forbidden' });
    expect(job, say({ en: 'node.ts: job streams are granted by the app (authorize), not by default: forbidden', ko: 'node.ts: 작업 스트림은 기본이 아니라 앱(authorize)이 허락합니다: forbidden' })).toMatchObject({ type: 'error', code: 'forbidden' });
    alice.send({ type: 'ping', id: 'end' });
    expect(await alice.nextOf('pong', 'the pong'), 'the pong').toBeDefined();
    expect(alice.pending.filter((m) => (m as Reply).type === 'dm'), say({ en: 'nothing of bob may reach alice', ko: 'bob의 것은 아무것도 alice에게 닿으면 안 됩니다' })).toEqual([]);
  });
});
