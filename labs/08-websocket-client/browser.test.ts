// The same client in headless Chromium: native WebSocket, ticket auth, and a server restart.
// The client is bundled with esbuild for the browser, served from a tiny static server, and
// driven with playwright-core. Set CHROMIUM_PATH if your Chromium lives elsewhere.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM_MISSING, findChromium, launchChromium } from '../../tools/testing/chromium.ts';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { startChatServer, type ChatServer } from '../../solutions/07-websocket-server/index.ts';
import { useDatabase, useRedis } from '../../tools/testing/test-env.ts';
import { createSession } from '../07-websocket-server/test-kit.ts';
import { connect, type TestClient } from '../../tools/testing/ws-client.ts';
import { say } from '../../tools/testing/say.ts';

const executablePath = findChromium();
if (!executablePath) console.warn(`[lab 08] The browser test is skipped. ${CHROMIUM_MISSING}`);

let browser: Browser | undefined;
let page: Page | undefined;
let staticServer: http.Server | undefined;
let staticOrigin = '';
/** Errors the page threw and nothing caught (the learner's code failing in a callback), in order. */
const pageErrors: Error[] = [];
const pageErrorWaiters = new Set<() => void>();

// Chromium takes a second or two to start, about as long as the database hooks: this hook,
// registered before useDatabase's, starts the browser, bundles the client and opens the page
// without waiting, and the hook after the database hooks waits for all of it.
let ready: Promise<void> | undefined;
beforeAll(() => {
  if (!executablePath) return;
  const opened = launchChromium(executablePath).then((started) => {
    browser = started;
    return started.newPage();
  });
  ready = Promise.all([opened, bundleClient().then(serveStatic)]).then(async ([blank]) => {
    page = blank;
    page.on('pageerror', (error) => {
      console.error('[browser]', error.message);
      pageErrors.push(error);
      for (const wake of [...pageErrorWaiters]) wake();
    });
    await page.goto(`${staticOrigin}/`);
  });
  ready.catch(() => {}); // awaited in the next hook, which reports a failed launch
});

const db = useDatabase();
const redis = useRedis();

/** The lab's client for a browser: the learner's files or the reference, like every other import here. */
async function bundleClient(): Promise<string> {
  // Relative to this test file, not to the workbook root: the grader runs these tests in a
  // workspace of its own, with the graded files next to this test.
  const dir = inject('workbook').project === 'solution' ? path.join(import.meta.dirname, '../../solutions/08-websocket-client') : import.meta.dirname;
  const result = await build({
    stdin: { contents: "export * from './index.ts';", resolveDir: dir, loader: 'ts' },
    bundle: true,
    format: 'iife',
    globalName: 'Lab08',
    platform: 'browser',
    target: 'chrome120',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

/** What the page keeps on `window` (see PAGE below). */
interface PageGlobals {
  Lab08: typeof import('./index.ts');
  chat: { client: import('./chat-client.ts').ChatClient; events: Array<{ type: string; [key: string]: unknown }> };
}

const PAGE = '<!doctype html><meta charset="utf-8"><title>lab 08</title><script src="/client.js"></script>';

/** Serves PAGE and the bundled client from 127.0.0.1 on a free port (`staticOrigin`). */
async function serveStatic(bundle: string): Promise<void> {
  staticServer = http.createServer((req, res) => {
    if (req.url === '/client.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
    else res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
  });
  await new Promise<void>((resolve) => staticServer!.listen(0, '127.0.0.1', resolve));
  staticOrigin = `http://127.0.0.1:${(staticServer.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  await ready;
}, 60_000);

afterAll(async () => {
  await ready?.catch(() => {}); // a launch still under way would leave its browser behind
  await browser?.close();
  await new Promise((resolve) => (staticServer ? staticServer.close(resolve) : resolve(undefined)));
});

/** An event the page records, or a pattern of one: every key given must be equal. */
type EventPattern = { type: string; [key: string]: unknown };

/**
 * Polls the page until one of its recorded events (from index `from` on) matches `match`, within a
 * deadline. Fails at once instead, with what went wrong, when the page throws an error nothing
 * catches (the learner's code failing in a callback) or records an event matching `fatal`.
 */
async function waitForEvent(p: Page, match: EventPattern, what: string, options: { from?: number; fatal?: EventPattern; fatalMessage?: string } = {}) {
  const { from = 0, fatal } = options;
  const seen = p.waitForFunction(
    ({ match, fatal, from }) => {
      const matches = (e: Record<string, unknown>, m: Record<string, unknown>) => Object.entries(m).every(([k, v]) => e[k] === v);
      const events = (window as unknown as PageGlobals).chat.events.slice(from);
      const i = events.findIndex((e) => matches(e, match) || (fatal !== null && matches(e, fatal)));
      return i === -1 ? false : matches(events[i]!, match) ? 'match' : 'fatal';
    },
    { match, fatal: fatal ?? null, from },
    { timeout: 8000, polling: 20 },
  );
  seen.catch(() => {}); // raced below: a page error may end the wait first
  let wake = () => {};
  const thrown = new Promise<never>((_, reject) => {
    wake = () => {
      if (pageErrors.length > 0) reject(new Error(say({ en: `the page threw while waiting for ${what}: ${pageErrors[0]!.message}`, ko: `${what}을(를) 기다리는 동안 페이지에서 예외가 났습니다: ${pageErrors[0]!.message}` })));
    };
  });
  pageErrorWaiters.add(wake);
  wake();
  let outcome: unknown;
  try {
    outcome = await (await Promise.race([seen, thrown])).jsonValue();
  } catch (error) {
    if (pageErrors.length > 0) throw error;
    const events = await p.evaluate(() => (window as unknown as PageGlobals).chat?.events);
    throw new Error(say({ en: `The browser client did not emit ${what}. Events so far: ${JSON.stringify(events)}`, ko: `브라우저 클라이언트가 ${what}을(를) 내보내지 않았습니다. 지금까지의 이벤트: ${JSON.stringify(events)}` }), { cause: error });
  } finally {
    pageErrorWaiters.delete(wake);
  }
  if (outcome === 'fatal') {
    const events = await p.evaluate(() => (window as unknown as PageGlobals).chat.events);
    throw new Error(`${options.fatalMessage ?? say({ en: `the browser client emitted ${JSON.stringify(fatal)} while waiting for ${what}`, ko: `${what}을(를) 기다리는 동안 브라우저 클라이언트가 ${JSON.stringify(fatal)}을(를) 내보냈습니다` })}. Events so far: ${JSON.stringify(events)}`);
  }
}

describe('in a browser', () => {
  test.skipIf(!executablePath)('sends and receives with ticket auth, and survives a server restart', async () => {
    const [me, other] = await Promise.all([createSession(db.prisma), createSession(db.prisma)]);
    const options = { prisma: db.prisma, redis: redis.client, keyPrefix: redis.prefix, allowedOrigins: [staticOrigin] };
    let server: ChatServer = await startChatServer(options);
    const port = server.port;
    const peers: TestClient[] = [];
    try {
      await page!.evaluate(
        ({ httpUrl, wsUrl, token }) => {
          const g = window as unknown as PageGlobals;
          const { ChatClient, ticketConnector } = g.Lab08;
          const client = new ChatClient({
            connect: ticketConnector({ httpUrl, wsUrl, token: () => token, WebSocketImpl: WebSocket }),
            backoff: { baseMs: 10, capMs: 50 }, // the restart below is local: retry at once
          });
          const events: PageGlobals['chat']['events'] = [];
          for (const type of ['open', 'message', 'joined', 'error', 'close', 'reconnecting', 'giveup'] as const) {
            client.on(type, (event) => events.push({ type, ...event }));
          }
          g.chat = { client, events };
          void client.start();
          client.join('lobby');
        },
        { httpUrl: server.url, wsUrl: server.wsUrl, token: me.token },
      );
      // The server is up: a reconnect before the first welcome means the first connection failed.
      await waitForEvent(page!, { type: 'joined', room: 'lobby' }, '"joined" for lobby (the first connect, via POST /ws-ticket)', {
        fatal: { type: 'reconnecting' },
        fatalMessage: say({
          en: 'the first connection failed and the client is retrying: ticketConnector throws, or the server refuses its ticket (connectors.ts)',
          ko: '첫 연결이 실패해 클라이언트가 다시 시도합니다: ticketConnector가 예외를 던지거나 서버가 티켓을 거부합니다(connectors.ts)',
        }),
      });
      const bob = await connect(server.wsUrl, { token: other.token });
      peers.push(bob);
      bob.send({ type: 'join', room: 'lobby' });
      await bob.next('joined');

      bob.send({ type: 'say', room: 'lobby', text: 'hello browser', excludeSelf: true });
      await waitForEvent(page!, { type: 'message', text: 'hello browser' }, 'the message from Node');
      await page!.evaluate(() => (window as unknown as PageGlobals).chat.client.say('lobby', 'hello node', { excludeSelf: true }));
      expect(await bob.next('the message from the browser')).toMatchObject({ type: 'message', from: me.userId, text: 'hello node' });

      const seen = await page!.evaluate(() => (window as unknown as PageGlobals).chat.events.length);
      await server.close();
      await waitForEvent(page!, { type: 'close', code: 1001 }, 'close 1001 when the server shut down', { from: seen });
      server = await startChatServer({ ...options, port });
      await waitForEvent(page!, { type: 'open', reconnected: true }, 'open after the restart (a new ticket, a new socket)', { from: seen });
      await waitForEvent(page!, { type: 'joined', room: 'lobby' }, 'the automatic rejoin of lobby', { from: seen });
      const bob2 = await connect(server.wsUrl, { token: other.token });
      peers.push(bob2);
      bob2.send({ type: 'join', room: 'lobby' });
      await bob2.next('joined');
      await page!.evaluate(() => (window as unknown as PageGlobals).chat.client.say('lobby', 'back again', { excludeSelf: true }));

      expect(await bob2.next('the message from the browser after the restart')).toMatchObject({ type: 'message', from: me.userId, text: 'back again' });
    } finally {
      await page!.evaluate(() => (window as unknown as PageGlobals).chat?.client.close()).catch(() => {});
      for (const peer of peers) await peer.close();
      await server.close();
    }
  });
});
