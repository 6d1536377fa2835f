// The composition root: every lab's reference code, wired into one running system.
//
//   app server (PORT) ── GET /, /dashboard.js ........ the dashboard page
//     │                ── /api/*, POST /ws-ticket ...... api.ts (lab 04 queries, lab 06 caches, lab 07 auth)
//     │                ── GET /ws (Upgrade) ........... lab 07 ChatServer as a lab 10 cluster node
//     │                                                     ▲ StreamRelay: user:<owner> stream (job.progress)
//     └ QueueJobRunner (lab 09: BullMQ + ffmpeg workers) ─▶ relayNotifier ─▶ Redis Stream (notifier.ts)
//
// Several instances can run side by side (another PORT, the same DATABASE_URL, REDIS_URL and
// REDIS_PREFIX): they share sessions, tickets, caches and the queue, and lab 10's relay takes each
// job update to the owner's sockets whichever instance holds them; a logout closes the session's
// sockets on every instance.
//
// createApp owns every client, server and timer it creates and closes them in reverse order.
import { mkdir } from 'node:fs/promises';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createClient } from 'redis';
import { DEMO_USER, seedDemo, type SeedSummary } from '../03-prisma-schema/index.ts';
import type { RedisClient } from '../05-redis-structures/index.ts';
import {
  Cache,
  CachedUser,
  CachedVideo,
  cacheClientOptions,
  cacheKeys,
  prismaUserSource,
  prismaVideoSource,
  UserStore,
  VideoStore,
  type CacheLogger,
} from '../06-redis-caching/index.ts';
import { pathOf, silentLogger, type Logger } from '../07-websocket-server/index.ts';
import { InvalidMediaError } from '../09-video-progress/index.ts';
import { parseStream, startClusterNode, type Authorize } from '../10-pubsub-scaling/index.ts';
import { ensureDatabase } from '../../prisma/admin.ts';
import { migrate, type MigrateResult } from '../../prisma/migrate.ts';
import { createPrismaClient, type PrismaClient } from '../../prisma/client.ts';
import { apiRoutes, type Handler } from './api.ts';
import { loadDashboard } from './dashboard-assets.ts';
import { InvalidMediaUploadError, MethodNotAllowedError, RouteNotFoundError, ShuttingDownError } from './errors.ts';
import { answerClientError, toApiError, writeError, writeReply } from './http-json.ts';
import { LoginThrottle, type LoginThrottleOptions } from './login-throttle.ts';
import { matchRoute } from './router.ts';
import { DEMO_CLIP_TITLE, prepareDemoMedia, type DemoMedia } from './demo-media.ts';
import { QueueJobRunner, type QueueRunnerOptions } from './video-jobs.ts';
import { clientAddressOf, type TrustProxy } from './client-address.ts';

export interface AppOptions {
  /** The app's database. Created if missing; pending migrations are applied at start. */
  databaseUrl: string;
  redisUrl: string;
  /** In front of every Redis key the app writes; must end with ":". @default 've:' */
  redisPrefix?: string;
  /** @default '127.0.0.1' */
  host?: string;
  /** 0 picks a free port. @default 0 */
  port?: number;
  /**
   * The demo: seed lab 03's demo data when the database has no users yet, and make lab 03's demo
   * rows true wherever they came from (their media under `mediaDir`, see demo-media.ts). @default true
   */
  seedIfEmpty?: boolean;
  /** Uploads, the demo's media and job outputs are stored here (created if missing). */
  mediaDir: string;
  /** Video workers in this process; 0 leaves the jobs to `npm run worker` processes. @default 1 */
  workers?: number;
  /** Tuning for those workers (a `readrate` of 1 paces jobs at the video's own speed, to watch them move). */
  worker?: QueueRunnerOptions['worker'];
  /** Largest upload. @default 512 MiB */
  maxUploadBytes?: number;
  /** Origins, besides the app's own, whose pages may open a WebSocket (e.g. `http://192.168.1.5:3000`). @default [] */
  allowedOrigins?: readonly string[];
  /**
   * Which peers are our reverse proxies, for the client address the login throttle and the per-IP
   * socket cap count (client-address.ts): false, a hop count, or proxy addresses/CIDR ranges.
   * Set it only behind proxies that overwrite or append X-Forwarded-For. @default false
   */
  trustProxy?: TrustProxy;
  /** How long a login lasts. @default 7 days */
  sessionTtlMs?: number;
  /** Largest request body. @default 16 KiB */
  maxBodyBytes?: number;
  /** Give up if Redis does not answer at start within this long. @default 5000 */
  redisConnectTimeoutMs?: number;
  /** @default silentLogger */
  logger?: Logger;
  /**
   * Longest wait for PostgreSQL on a request path (one query, or opening a connection); past it the
   * request answers 503 database_unavailable instead of hanging. @default 5000
   */
  databaseTimeoutMs?: number;
  /** Failed-login limits. @default { maxFailuresPerAccountAndIp: 5, maxFailuresPerIp: 50, maxFailuresPerAccount: 500, windowMs: 15 min } */
  loginThrottle?: LoginThrottleOptions;
  /** Open WebSockets per user, and per IP address before authentication. @default { perUser: 16, perIp: 64 } */
  maxConnections?: { perUser?: number; perIp?: number };
  /** Builds the Prisma client; the app owns it and disconnects it on close. Tests pass one that logs queries. @default createPrismaClient with the deadlines */
  createPrisma?: (databaseUrl: string) => PrismaClient;
}

export interface StartedApp {
  /** e.g. `http://127.0.0.1:3000` */
  readonly url: string;
  /** e.g. `ws://127.0.0.1:3000/ws` */
  readonly wsUrl: string;
  readonly migrations: MigrateResult;
  /** What the demo seed wrote, or null if the database already had users. */
  readonly seeded: SeedSummary | null;
  /** What this start did to make lab 03's demo rows true (demo-media.ts), or null if none needed it. */
  readonly demo: DemoMedia | null;
  /** Pending and processing jobs on the queue after the start (rows whose entry was missing were queued). */
  readonly unfinishedJobs: number;
  /** The job runner's description, e.g. `BullMQ queue "video", 1 worker in this process`. */
  readonly runner: string;
  /** Graceful shutdown: stop accepting, stop jobs, close sockets with 1001, close every client. Idempotent. */
  close(): Promise<void>;
}

export const WS_PATH = '/ws';

export { DEMO_CLIP_TITLE };

/** The seeded demo account. The password is what the seed's hash was made from (lab 03's seed-data.ts). */
export const DEMO_LOGIN = { email: DEMO_USER.email, password: 'demo-password' } as const;

/** Closers in creation order; run() closes them in reverse, keeps going past a failure, then reports it. */
class Closers {
  readonly #steps: Array<() => unknown> = [];

  defer(step: () => unknown): void {
    this.#steps.push(step);
  }

  async run(): Promise<void> {
    const errors: unknown[] = [];
    for (let step = this.#steps.pop(); step; step = this.#steps.pop()) {
      try {
        await step();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length > 0) throw new AggregateError(errors, 'some resources did not close cleanly');
  }
}

/** Sends 503 shutting_down with Connection: close, then cuts the request; resolves once the answer is on the wire, or after 1 s. */
function answerShuttingDown(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 1000);
    const done = () => {
      clearTimeout(timer);
      res.req.destroy(); // the rest of the body will not be read: the handler's pipeline fails and removes its .part
      resolve();
    };
    res.once('finish', done);
    res.once('close', done);
    res.setHeader('Connection', 'close');
    writeError(res, new ShuttingDownError());
  });
}

export async function createApp(options: AppOptions): Promise<StartedApp> {
  const log = options.logger ?? silentLogger;
  const prefix = options.redisPrefix ?? 've:';
  const keys = cacheKeys(prefix); // throws on a prefix without the trailing ':'
  const closers = new Closers();
  try {
    return await start(options, log, prefix, keys, closers);
  } catch (error) {
    await closers.run().catch(() => {}); // the start error is the one to report
    throw error;
  }
}

async function start(
  options: AppOptions,
  log: Logger,
  prefix: string,
  keys: ReturnType<typeof cacheKeys>,
  closers: Closers,
): Promise<StartedApp> {
  // #region database
  await ensureDatabase(options.databaseUrl);
  const migrations = await migrate(options.databaseUrl);
  const databaseTimeoutMs = options.databaseTimeoutMs ?? 5000;
  const prisma = options.createPrisma
    ? options.createPrisma(options.databaseUrl)
    : createPrismaClient(options.databaseUrl, { connectTimeoutMs: databaseTimeoutMs, queryTimeoutMs: databaseTimeoutMs });
  closers.defer(() => prisma.$disconnect());
  const withDemo = options.seedIfEmpty ?? true;
  const seeded = withDemo && (await prisma.user.count()) === 0 ? await seedDemo(prisma) : null;
  // Lab 03's seed writes rows only: make their media, here or for a database `npm run db:seed`
  // filled before this first start. A restart finds nothing to do. Their unfinished jobs are
  // queued once the runner is up (requeueUnfinished).
  const demo = withDemo ? await prepareDemoMedia(prisma, options.mediaDir) : null;
  await mkdir(path.join(options.mediaDir, 'uploads'), { recursive: true }); // receiveUpload's directory, also for a MEDIA_DIR new to a seeded database
  // #endregion database

  // #region redis
  const redis = createClient(cacheClientOptions(options.redisUrl)) as RedisClient;
  closers.defer(() => redis.destroy());
  watchRedis(redis, log);
  await connectRedis(redis, options.redisUrl, options.redisConnectTimeoutMs ?? 5000);
  const cacheLogger: CacheLogger = {
    warn: (message, details) => log.warn('cache.degraded', { message, key: details.key, error: errorName(details.error) }),
  };
  const userCache = new Cache(redis, { schema: CachedUser, logger: cacheLogger });
  const videoCache = new Cache(redis, { schema: CachedVideo, logger: cacheLogger });
  closers.defer(() => Promise.all([userCache.close(), videoCache.close()]));
  // #endregion redis

  const page = await loadDashboard();

  // #region http
  // The server listens before the rest exists (the chat server needs its port for the origin
  // allow-list); requests that arrive meanwhile wait for `ready`. The chat server attaches its
  // 'upgrade' listener in the same tick as the listen callback, before any connection is read.
  let routes: ReturnType<typeof apiRoutes> = [];
  let closing = false;
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const server = http.createServer((req, res) => void ready.then(() => handle(req, res)));
  server.on('clientError', answerClientError); // 431/408/400, as Node's default would, in our JSON
  const address = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  const serverClosed = new Promise<void>((resolve) => server.once('close', () => resolve()));
  /** Responses not yet finished: an upload still streaming in when the app closes is one. */
  const inFlight = new Set<ServerResponse>();
  closers.defer(async () => {
    server.close();
    // A request still running (an upload's body on the wire) hears 503 shutting_down before its
    // connection goes; its handler then fails on the cut body and removes the .part file.
    await Promise.all([...inFlight].filter((res) => !res.headersSent).map((res) => answerShuttingDown(res)));
    // The chat server has closed its sockets by now: cut what is left (idle keep-alives, a slow client).
    server.closeAllConnections();
    await serverClosed;
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const path = pathOf(req.url);
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
    res.once('finish', () => log.info('http.request', { method: req.method, path, status: res.statusCode, ms: Math.round(performance.now() - started) }));
    try {
      if (closing) throw new ShuttingDownError();
      const match = matchRoute<Handler>(routes, req.method, path);
      if (match.kind === 'not_found') throw new RouteNotFoundError();
      if (match.kind === 'method_not_allowed') throw new MethodNotAllowedError(match.allow);
      writeReply(res, await match.handler({ req, params: match.params }));
    } catch (error) {
      const failure = toApiError(error);
      if (failure.internal) log.warn('http.failed', { method: req.method, path, error: errorName(error) });
      else if (error instanceof InvalidMediaUploadError && error.cause instanceof InvalidMediaError) log.info('upload.invalid_media', { path, detail: error.cause.reason });
      writeError(res, error);
    }
  }
  // #endregion http

  // #region websocket
  const url = publicUrl(address);
  // Lab 07's server on the app's own port, as a lab 10 cluster node: it answers every upgrade (404
  // for another path, 503 once closing) and close() takes its listener off again; the app keeps
  // owning `server`. The relay needs a connection of its own for SUBSCRIBE, with the client's
  // default reconnects (it resubscribes by itself, and the relay catches up from the log).
  const subscriber = createClient({ url: options.redisUrl }) as RedisClient;
  closers.defer(() => subscriber.destroy());
  subscriber.on('error', () => {}); // the cache client's watcher already says when Redis is down
  await connectRedis(subscriber, options.redisUrl, options.redisConnectTimeoutMs ?? 5000);
  const clientAddress = clientAddressOf(options.trustProxy ?? false);
  const node = await startClusterNode({
    server,
    subscriber,
    path: WS_PATH,
    prisma,
    redis,
    keyPrefix: prefix,
    logger: log,
    allowedOrigins: [...ownOrigins(address), ...(options.allowedOrigins ?? [])],
    maxConnectionsPerUser: options.maxConnections?.perUser ?? 16,
    maxConnectionsPerIp: options.maxConnections?.perIp ?? 64,
    clientAddress,
    // The socket is for job progress, and the app has no relation between users (no contacts, no
    // shared projects): direct messages and rooms are off, so no user can probe who is online,
    // write into someone else's sockets or broadcast to strangers. The one stream a user may read
    // is their own (docs/guide/the-system.md, "Why no rooms").
    canDirectMessage: () => false,
    rooms: false,
    authorize: ownStreamOnly,
  });
  closers.defer(() => node.close());
  const chat = node.chat;
  // #endregion websocket

  // #region runner
  const runner = await QueueJobRunner.start({
    prisma,
    redisUrl: options.redisUrl,
    redisPrefix: prefix,
    mediaDir: options.mediaDir,
    logger: log,
    workers: options.workers ?? 1,
    worker: options.worker,
  });
  closers.defer(() => runner.close());
  // Jobs the rows say are pending or processing but that have no queue entry (lab 03's seeded
  // jobs, or a Redis that lost its data) would never move: queue them (a no-op for the others).
  const unfinishedJobs = await runner.requeueUnfinished();
  // #endregion runner

  routes = apiRoutes({
    prisma,
    chat,
    revokeSession: (token) => node.revokeSession(token),
    logins: new LoginThrottle(redis, prefix, options.loginThrottle),
    clientAddress,
    users: new UserStore(userCache, keys, prismaUserSource(prisma)),
    videos: new VideoStore(videoCache, keys, prismaVideoSource(prisma)),
    runner,
    mediaDir: options.mediaDir,
    maxUploadBytes: options.maxUploadBytes ?? 512 * 1024 * 1024,
    wsPath: WS_PATH,
    sessionTtlMs: options.sessionTtlMs ?? 7 * 24 * 60 * 60 * 1000,
    maxBodyBytes: options.maxBodyBytes ?? 16 * 1024,
    page,
  });
  markReady();

  let closed: Promise<void> | undefined;
  return {
    url,
    wsUrl: `${url.replace(/^http/, 'ws')}${WS_PATH}`,
    migrations,
    seeded,
    demo,
    unfinishedJobs,
    runner: runner.name,
    close() {
      // #region close
      closed ??= (async () => {
        closing = true; // new requests get 503 shutting_down from here on
        server.close(); // and no new connections are accepted
        await closers.run(); // runner, chat (1001), http, caches, Redis, Prisma
      })();
      return closed;
      // #endregion close
    },
  };
}

/** A user reads their own stream (`user:<id>`, where their jobs' progress goes) and no other. */
const ownStreamOnly: Authorize = (userId, stream) => {
  const parsed = parseStream(stream);
  return parsed?.kind === 'user' && parsed.id === String(userId);
};

function listen(server: http.Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

const WILDCARD = new Set(['0.0.0.0', '::']);

/** The URL to print: a wildcard address is reachable as localhost. */
function publicUrl({ address, port, family }: AddressInfo): string {
  if (WILDCARD.has(address)) return `http://localhost:${port}`;
  return family === 'IPv6' ? `http://[${address}]:${port}` : `http://${address}:${port}`;
}

/** The origins a browser may show for this server: the bound address plus the loopback names. */
function ownOrigins(address: AddressInfo): string[] {
  const loopback = ['localhost', '127.0.0.1', '[::1]'].map((host) => `http://${host}:${address.port}`);
  return [...new Set([publicUrl(address), ...loopback])];
}

/** Logs Redis going away and coming back once each, not every failed reconnect attempt. */
function watchRedis(redis: RedisClient, log: Logger): void {
  let down = false;
  redis.on('error', (error: Error) => {
    if (down) return;
    down = true;
    log.warn('redis.down', { error: errorName(error), note: 'caches fall back to PostgreSQL; tickets fail until it is back' });
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    log.info('redis.back', {});
  });
}

async function connectRedis(redis: RedisClient, url: string, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis at ${url} did not answer within ${timeoutMs} ms: start it, or set REDIS_URL.`)), timeoutMs);
  });
  try {
    await Promise.race([redis.connect(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
