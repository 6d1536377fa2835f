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

const executablePath = findChromium();
if (!executablePath) console.warn(`[lab 08] The browser test is skipped. ${CHROMIUM_MISSING}`);

let browser: Browser | undefined;
let page: Page | undefined;
let staticServer: http.Server | undefined;
let staticOrigin = '';

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
    page.on('pageerror', (error) => console.error('[browser]', error.message));
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

/** Polls the page until one of its recorded events matches (a deadline, no sleeps). */
async function waitForEvent(p: Page, match: { type: string; [key: string]: unknown }, what: string, from = 0) {
  try {
    await p.waitForFunction(
      ({ match, from }) =>
        (window as unknown as PageGlobals).chat.events.slice(from).some((e) => Object.entries(match).every(([k, v]) => e[k] === v)),
      { match, from },
      { timeout: 8000, polling: 20 },
    );
  } catch (error) {
    const events = await p.evaluate(() => (window as unknown as PageGlobals).chat?.events);
    throw new Error(`The browser client did not emit ${what}. Events so far: ${JSON.stringify(events)}`, { cause: error });
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
      await waitForEvent(page!, { type: 'joined', room: 'lobby' }, '"joined" for lobby (the first connect, via POST /ws-ticket)');
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
      await waitForEvent(page!, { type: 'close', code: 1001 }, 'close 1001 when the server shut down', seen);
      server = await startChatServer({ ...options, port });
      await waitForEvent(page!, { type: 'open', reconnected: true }, 'open after the restart (a new ticket, a new socket)', seen);
      await waitForEvent(page!, { type: 'joined', room: 'lobby' }, 'the automatic rejoin of lobby', seen);
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
