// ChatClient against scripted sockets: every reconnect decision, with no server and no sleeps.
// Everything here happens in memory within milliseconds, so a short deadline keeps a broken
// client's failures quick without making a working one flaky.
import { describe, expect, test } from 'vitest';
import { waitFor, withDeadline } from '../../tools/testing/wait.ts';
import { ChatClient, ClientState, type ChatClientEvents, type ChatClientOptions } from './chat-client.ts';
import { FAKE_DEADLINE_MS, fakeConnector } from '../../tools/testing/fake-socket.ts';
import { say } from '../../tools/testing/say.ts';

function setup(options: Partial<ChatClientOptions> = {}) {
  const fake = fakeConnector();
  const client = new ChatClient({ connect: fake.connect, backoff: { baseMs: 8, capMs: 32 }, random: () => 0.5, ...options });
  const events: Array<{ type: keyof ChatClientEvents; event: unknown }> = [];
  for (const type of ['open', 'message', 'dm', 'joined', 'left', 'error', 'close', 'reconnecting', 'giveup'] as const) {
    client.on(type, (event) => events.push({ type, event }));
  }
  const next = <K extends keyof ChatClientEvents>(type: K) => withDeadline(client.once(type), FAKE_DEADLINE_MS, say({ en: `the client should emit "${type}"`, ko: `클라이언트가 "${type}"을(를) 내보내야 합니다` }));
  return { fake, client, events, next };
}

/** start() resolves on the server's welcome; a client that never handles it would hang the test without this deadline. */
function opening(client: ChatClient) {
  const opened = withDeadline(client.start(), FAKE_DEADLINE_MS, say({ en: 'start() should resolve once the server\'s welcome arrives (chat-client.ts, case "welcome")', ko: 'start()는 서버의 welcome이 오면 끝나야 합니다(chat-client.ts, case "welcome")' }));
  opened.catch(() => {}); // a test that fails before awaiting it has already said why
  return opened;
}

describe('connecting and sending', () => {
  test('messages sent before the welcome are queued, then sent in order after the joins', async () => {
    const { fake, client } = setup();
    const opened = opening(client);
    client.join('r');

    const results = [client.say('r', 'one'), client.say('r', 'two'), client.dm(7, 'three')];
    const socket = await fake.socket(0);
    socket.open(42);
    const open = await opened;

    expect(results, say({ en: 'not connected yet: send() should queue (chat-client.ts)', ko: '아직 연결 전이면 send()는 큐에 넣어야 합니다(chat-client.ts)' })).toEqual(['queued', 'queued', 'queued']);
    expect(open).toEqual({ userId: 42, connectionId: 'c1', reconnected: false });
    expect(socket.sent, say({ en: 'after the welcome: rejoin rooms first, then flush the queue oldest first', ko: 'welcome 뒤에는 방에 먼저 다시 들어가고, 그다음 큐를 오래된 것부터 보내야 합니다' })).toEqual([
      { type: 'join', room: 'r' },
      { type: 'say', room: 'r', text: 'one' },
      { type: 'say', room: 'r', text: 'two' },
      { type: 'dm', to: 7, text: 'three' },
    ]);
    expect(client.state).toBe(ClientState.OPEN);
    expect(client.say('r', 'now'), say({ en: 'connected: sent at once', ko: '연결되어 있으면 곧바로 보냅니다' })).toBe('sent');
    client.close();
  });

  test('the offline queue is bounded: past maxQueue, send() answers dropped', () => {
    const { client } = setup({ maxQueue: 2 });
    void client.start();

    const results = [client.say('r', '1'), client.say('r', '2'), client.say('r', '3')];

    expect(results).toEqual(['queued', 'queued', 'dropped']);
    expect(client.queued).toBe(2);
    client.close();
  });

  test('server frames become typed events; frames outside the protocol are ignored', async () => {
    const { fake, client, events } = setup();
    const opened = opening(client);
    const socket = await fake.socket(0);
    socket.open();
    await opened;

    socket.receive('not json');
    socket.receive('{"type":"message","room":"r"}');
    socket.receive({ type: 'message', room: 'r', from: 2, text: 'hi' });
    socket.receive({ type: 'dm', from: 3, text: 'psst', id: 'd1' });
    socket.receive({ type: 'error', code: 'not_in_room', message: 'join first' });

    expect(events.filter((e) => e.type !== 'open')).toEqual([
      { type: 'message', event: { room: 'r', from: 2, text: 'hi', id: undefined } },
      { type: 'dm', event: { from: 3, text: 'psst', id: 'd1' } },
      { type: 'error', event: { code: 'not_in_room', message: 'join first', id: undefined } },
    ]);
    client.close();
  });
});

describe('reconnecting', () => {
  test('a lost connection is retried with exponential backoff and full jitter', async () => {
    const { fake, client, events } = setup();
    const opened = opening(client);
    (await fake.socket(0)).open();
    await opened;

    (await fake.socket(0)).serverClose(1001, 'server shutting down');
    for (let n = 1; n <= 4; n++) (await fake.socket(n)).serverClose(1006);
    await fake.socket(5);

    expect(
      events.filter((e) => e.type === 'reconnecting').map((e) => e.event),
      say({ en: 'delays: random() * min(cap 32, base 8 * 2^(attempt-1)), with random() = 0.5', ko: '대기 시간: random() * min(cap 32, base 8 * 2^(attempt-1)), random() = 0.5일 때' }),
    ).toEqual([
      { attempt: 1, delayMs: 4 },
      { attempt: 2, delayMs: 8 },
      { attempt: 3, delayMs: 16 },
      { attempt: 4, delayMs: 16 },
      { attempt: 5, delayMs: 16 },
    ]);
    expect(events.find((e) => e.type === 'close')?.event).toEqual({ code: 1001, reason: 'server shutting down' });
    client.close();
  });

  test('after a reconnect it rejoins its rooms (not the ones it left) and, once the connection stayed up, counts attempts from zero again', async () => {
    const { fake, client, events, next } = setup({ healthyAfterMs: 1 });
    const opened = opening(client);
    const first = await fake.socket(0);
    first.open();
    await opened;
    client.join('a');
    client.join('b');
    client.leave('b');

    first.serverClose(1001);
    (await fake.socket(1)).serverClose(1006);
    const third = await fake.socket(2);
    const reopened = next('open');
    third.open(1, 'c3');
    const open = await reopened;
    await waitFor(() => client.attemptsInARow === 0, { timeoutMs: FAKE_DEADLINE_MS, message: say({ en: 'healthyAfterMs after the welcome, the attempt count starts over', ko: 'welcome 뒤 healthyAfterMs가 지나면 시도 횟수가 처음부터 다시 셉니다' }) });
    third.serverClose(1006);
    await fake.socket(3);

    expect(open.reconnected, say({ en: "the second 'open' should say reconnected: true", ko: "두 번째 'open'은 reconnected: true여야 합니다" })).toBe(true);
    expect(third.sent, say({ en: 'rejoin exactly the rooms the client is in', ko: '클라이언트가 들어가 있는 방에만 정확히 다시 들어가야 합니다' })).toEqual([{ type: 'join', room: 'a' }]);
    expect(events.filter((e) => e.type === 'reconnecting').map((e) => (e.event as { attempt: number }).attempt), say({ en: 'a connection that stayed up resets the attempt count', ko: '유지된 연결은 시도 횟수를 초기화해야 합니다' })).toEqual([1, 2, 1]);
    client.close();
  });

  test('a server that welcomes and then drops every connection gets growing delays, not the first one for ever', async () => {
    const { fake, client, events } = setup({ healthyAfterMs: 60_000 });
    const opened = opening(client);
    (await fake.socket(0)).open();
    await opened;

    (await fake.socket(0)).serverClose(1011);
    for (let n = 1; n <= 3; n++) {
      const socket = await fake.socket(n);
      socket.open(1, `c${n}`); // welcomed...
      socket.serverClose(1011); // ...and dropped at once
    }
    await fake.socket(4);

    expect(
      events.filter((e) => e.type === 'reconnecting').map((e) => e.event),
      say({ en: 'a welcome alone must not reset the backoff (chat-client.ts, case "welcome"): only a connection that stays up for healthyAfterMs does', ko: 'welcome만으로는 백오프를 초기화하면 안 됩니다(chat-client.ts, case "welcome"): healthyAfterMs 동안 유지된 연결만 초기화합니다' }),
    ).toEqual([
      { attempt: 1, delayMs: 4 },
      { attempt: 2, delayMs: 8 },
      { attempt: 3, delayMs: 16 },
      { attempt: 4, delayMs: 16 },
    ]);
    client.close();
  });

  test('gives up after maxAttempts failed attempts in a row', async () => {
    const { fake, client, next } = setup({ maxAttempts: 3 });
    const opened = opening(client);
    (await fake.socket(0)).open();
    await opened;
    const gaveUp = next('giveup');

    (await fake.socket(0)).serverClose(1006);
    for (let n = 1; n <= 3; n++) (await fake.socket(n)).serverClose(1006);

    expect(await gaveUp, say({ en: 'three reconnect attempts failed: emit giveup', ko: '재연결 시도 세 번이 실패했습니다: giveup을 내보내세요' })).toEqual({ attempts: 3, code: 1006 });
    expect(fake.sockets, say({ en: 'no fourth attempt', ko: '네 번째 시도는 없어야 합니다' })).toHaveLength(4);
    expect(client.state).toBe(ClientState.CLOSED);
    expect(client.say('r', 'late'), say({ en: 'a closed client drops what it is given', ko: '닫힌 클라이언트는 받은 것을 버립니다' })).toBe('dropped');
  });

  test('a failing connect() (e.g. the ticket request) counts as an attempt', async () => {
    let calls = 0;
    const fake = fakeConnector();
    const client = new ChatClient({
      connect: () => {
        calls += 1;
        if (calls <= 2) return Promise.reject(new Error('POST /ws-ticket answered 503'));
        return fake.connect();
      },
      backoff: { baseMs: 4, capMs: 4 },
    });

    const opened = client.start();
    (await fake.socket(0)).open();

    expect((await withDeadline(opened, FAKE_DEADLINE_MS, say({ en: 'open after two failed ticket requests', ko: '티켓 요청 두 번이 실패한 뒤 열림' }))).userId).toBe(1);
    expect(calls).toBe(3);
    client.close();
  });

  test('close codes 4001 (session expired) and 1000 are final; close() stops for good', async () => {
    const expired = setup();
    const opened = opening(expired.client);
    (await expired.fake.socket(0)).open();
    await opened;
    const gaveUp = expired.next('giveup');
    (await expired.fake.socket(0)).serverClose(4001, 'session expired');

    const manual = setup();
    const opened2 = opening(manual.client);
    const socket = await manual.fake.socket(0);
    socket.open();
    await opened2;
    manual.client.close();
    manual.client.close();

    expect(await gaveUp, say({ en: 'reconnecting cannot fix an expired session: give up', ko: '재연결로는 만료된 세션을 고칠 수 없습니다: 포기하세요' })).toEqual({ attempts: 0, code: 4001 });
    expect(expired.fake.sockets).toHaveLength(1);
    expect(socket.closedWith, say({ en: 'close() closes the socket with 1000', ko: 'close()는 소켓을 1000으로 닫아야 합니다' })).toBe(1000);
    expect(manual.client.state).toBe(ClientState.CLOSED);
    expect(manual.events.some((e) => e.type === 'reconnecting'), say({ en: 'no reconnect after close()', ko: 'close() 뒤에는 재연결하지 않아야 합니다' })).toBe(false);
  });
});

describe('dead connection', () => {
  test('pings after intervalMs of silence and reconnects when nothing answers within timeoutMs', async () => {
    const { fake, client, next } = setup({ heartbeat: { intervalMs: 20, timeoutMs: 20 } });
    const opened = opening(client);
    const silent = await fake.socket(0);
    silent.open();
    await opened;

    const closed = await next('close');
    const second = await fake.socket(1, 'a reconnect after the heartbeat timeout');

    expect(silent.sentTypes, say({ en: 'after intervalMs of silence, send { type: "ping" }', ko: 'intervalMs 동안 조용하면 { type: "ping" }을 보내세요' })).toEqual(['ping']);
    expect(closed, say({ en: 'no answer within timeoutMs: the link is dead', ko: 'timeoutMs 안에 답이 없으면 연결이 죽은 것입니다' })).toEqual({ code: 4000, reason: 'heartbeat timeout' });
    expect(silent.closedWith, say({ en: 'close the dead socket with CloseCode.HEARTBEAT_TIMEOUT', ko: '죽은 소켓은 CloseCode.HEARTBEAT_TIMEOUT으로 닫으세요' })).toBe(4000);
    expect(second).toBeDefined();
    client.close();
  });

  test('any frame from the server counts as a sign of life', async () => {
    const { fake, client, events } = setup({ heartbeat: { intervalMs: 30, timeoutMs: 30 } });
    const opened = opening(client);
    const socket = await fake.socket(0);
    socket.open();
    await opened;

    for (let i = 0; i < 4; i++) {
      await waitFor(() => socket.sent.filter((m) => m.type === 'ping').length > i, { message: say({ en: `ping ${i + 1} after intervalMs of silence`, ko: `intervalMs 동안 조용한 뒤의 ping ${i + 1}` }) });
      socket.receive({ type: 'pong' });
    }

    expect(events.filter((e) => e.type === 'close'), say({ en: 'a server that answers every ping is alive', ko: '모든 ping에 답하는 서버는 살아 있습니다' })).toEqual([]);
    expect(fake.sockets).toHaveLength(1);
    client.close();
  });
});
