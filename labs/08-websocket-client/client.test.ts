// ChatClient against scripted sockets: every reconnect decision, with no server and no sleeps.
// Everything here happens in memory within milliseconds, so a short deadline keeps a broken
// client's failures quick without making a working one flaky.
import { describe, expect, test } from 'vitest';
import { waitFor, withDeadline } from '../../tools/testing/wait.ts';
import { ChatClient, ClientState, type ChatClientEvents, type ChatClientOptions } from './chat-client.ts';
import { FAKE_DEADLINE_MS, fakeConnector } from '../../tools/testing/fake-socket.ts';

function setup(options: Partial<ChatClientOptions> = {}) {
  const fake = fakeConnector();
  const client = new ChatClient({ connect: fake.connect, backoff: { baseMs: 8, capMs: 32 }, random: () => 0.5, ...options });
  const events: Array<{ type: keyof ChatClientEvents; event: unknown }> = [];
  for (const type of ['open', 'message', 'dm', 'joined', 'left', 'error', 'close', 'reconnecting', 'giveup'] as const) {
    client.on(type, (event) => events.push({ type, event }));
  }
  const next = <K extends keyof ChatClientEvents>(type: K) => withDeadline(client.once(type), FAKE_DEADLINE_MS, `the client should emit "${type}"`);
  return { fake, client, events, next };
}

/** start() resolves on the server's welcome; a client that never handles it would hang the test without this deadline. */
function opening(client: ChatClient) {
  const opened = withDeadline(client.start(), FAKE_DEADLINE_MS, 'start() should resolve once the server\'s welcome arrives (chat-client.ts, case "welcome")');
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

    expect(results, 'not connected yet: send() should queue (chat-client.ts)').toEqual(['queued', 'queued', 'queued']);
    expect(open).toEqual({ userId: 42, connectionId: 'c1', reconnected: false });
    expect(socket.sent, 'after the welcome: rejoin rooms first, then flush the queue oldest first').toEqual([
      { type: 'join', room: 'r' },
      { type: 'say', room: 'r', text: 'one' },
      { type: 'say', room: 'r', text: 'two' },
      { type: 'dm', to: 7, text: 'three' },
    ]);
    expect(client.state).toBe(ClientState.OPEN);
    expect(client.say('r', 'now'), 'connected: sent at once').toBe('sent');
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
      'delays: random() * min(cap 32, base 8 * 2^(attempt-1)), with random() = 0.5',
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
    await waitFor(() => client.attemptsInARow === 0, { timeoutMs: FAKE_DEADLINE_MS, message: 'healthyAfterMs after the welcome, the attempt count starts over' });
    third.serverClose(1006);
    await fake.socket(3);

    expect(open.reconnected).toBe(true);
    expect(third.sent, 'rejoin exactly the rooms the client is in').toEqual([{ type: 'join', room: 'a' }]);
    expect(events.filter((e) => e.type === 'reconnecting').map((e) => (e.event as { attempt: number }).attempt), 'a connection that stayed up resets the attempt count').toEqual([1, 2, 1]);
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
      'a welcome alone must not reset the backoff (chat-client.ts, case "welcome"): only a connection that stays up for healthyAfterMs does',
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

    expect(await gaveUp, 'three reconnect attempts failed: emit giveup').toEqual({ attempts: 3, code: 1006 });
    expect(fake.sockets, 'no fourth attempt').toHaveLength(4);
    expect(client.state).toBe(ClientState.CLOSED);
    expect(client.say('r', 'late'), 'a closed client drops what it is given').toBe('dropped');
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

    expect((await withDeadline(opened, FAKE_DEADLINE_MS, 'open after two failed ticket requests')).userId).toBe(1);
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

    expect(await gaveUp, 'reconnecting cannot fix an expired session: give up').toEqual({ attempts: 0, code: 4001 });
    expect(expired.fake.sockets).toHaveLength(1);
    expect(socket.closedWith, 'close() closes the socket with 1000').toBe(1000);
    expect(manual.client.state).toBe(ClientState.CLOSED);
    expect(manual.events.some((e) => e.type === 'reconnecting'), 'no reconnect after close()').toBe(false);
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

    expect(silent.sentTypes, 'after intervalMs of silence, send { type: "ping" }').toEqual(['ping']);
    expect(closed, 'no answer within timeoutMs: the link is dead').toEqual({ code: 4000, reason: 'heartbeat timeout' });
    expect(silent.closedWith, 'close the dead socket with CloseCode.HEARTBEAT_TIMEOUT').toBe(4000);
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
      await waitFor(() => socket.sent.filter((m) => m.type === 'ping').length > i, { message: `ping ${i + 1} after intervalMs of silence` });
      socket.receive({ type: 'pong' });
    }

    expect(events.filter((e) => e.type === 'close'), 'a server that answers every ping is alive').toEqual([]);
    expect(fake.sockets).toHaveLength(1);
    client.close();
  });
});
