// The I/O edge: one HTTP server (its own, or one it is attached to), `ws` in noServer mode, and the
// wiring between sockets and the pure modules (protocol, handshake, registry, rate-limit,
// backpressure) and the auth module.
import { randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { decideSend, SendDecision, type BackpressureLimits } from './backpressure.ts';
import { ForbiddenOriginError, HandshakeError, InternalServerError, MissingCredentialError, NotFoundError, ShuttingDownError } from './errors.ts';
import { isOriginAllowed, pathOf, readBearer, readCredential } from './handshake.ts';
import { silentLogger, type Logger } from './logger.ts';
import { CloseCode, encode, ErrorCode, parseClientMessage, type ClientMessage, type ServerMessage } from './protocol.ts';
import { TokenBucket, type TokenBucketOptions } from './rate-limit.ts';
import { ConnectionRegistry, type RegistryStats } from './registry.ts';
import { SessionAuth, type AuthenticatedUser, type CacheClient, type SessionAuthOptions } from './session-auth.ts';

export interface RateLimitOptions extends TokenBucketOptions {
  /** Rejected messages in a row before the socket is closed with 4029. */
  maxViolations: number;
}

export interface ChatServerOptions {
  /** Sessions are rows of the Prisma `Session` model. */
  prisma: SessionAuthOptions['prisma'];
  /** Caches sessions and holds tickets. The caller connects and closes it. */
  redis: CacheClient;
  /** Put in front of every Redis key. */
  keyPrefix: string;
  /** @default silentLogger */
  logger?: Logger;
  /**
   * Attach to this HTTP server instead of creating one: the chat server adds an 'upgrade' listener
   * (removed again by close()) and leaves listening, other requests (POST /ws-ticket included) and
   * closing the server to its owner. `host` and `port` are then ignored.
   */
  server?: http.Server;
  /** @default '127.0.0.1' */
  host?: string;
  /** 0 picks a free port. @default 0 */
  port?: number;
  /** Where the WebSocket endpoint lives. @default '/ws' */
  path?: string;
  /** Origins a browser may connect from, e.g. `http://localhost:5173`. @default [] (no browser) */
  allowedOrigins?: readonly string[];
  /** Largest frame accepted; bigger ones close the socket with 1009. @default 16 KiB */
  maxPayload?: number;
  /** Ping every this many ms; a peer that missed the previous ping is terminated. @default 30_000 */
  heartbeatIntervalMs?: number;
  /** Per-connection message rate. @default { capacity: 20, refillPerSecond: 10, maxViolations: 10 } */
  rateLimit?: Partial<RateLimitOptions>;
  /** Send-buffer limits per connection. @default { softLimitBytes: 256 KiB, hardLimitBytes: 1 MiB } */
  backpressure?: Partial<BackpressureLimits>;
  /** @default 32 */
  maxRoomsPerConnection?: number;
  /** How long a ticket stays redeemable. @default 30_000 */
  ticketTtlMs?: number;
  /** close() terminates sockets that have not finished closing after this long. @default 5_000 */
  shutdownTimeoutMs?: number;
  /** The clock for session expiry. @default Date.now */
  now?: () => number;
}

/** A live connection: one per socket. */
interface Connection {
  readonly id: string;
  readonly userId: number;
  readonly expiresAt: number;
  readonly ws: WebSocket;
  readonly bucket: TokenBucket;
  violations: number;
  isAlive: boolean;
  dropped: number;
  closing: boolean;
}

/** What `connections()` tells about one socket (for tests and dashboards). */
export interface ConnectionInfo {
  id: string;
  userId: number;
  rooms: string[];
  bufferedAmount: number;
  dropped: number;
  /** True once the server has started closing this socket. */
  closing: boolean;
}

/** Starts listening (or attaches to `options.server`); resolves once the port is bound. */
export async function startChatServer(options: ChatServerOptions): Promise<ChatServer> {
  const server = new ChatServer(options);
  await server.listening;
  return server;
}

export class ChatServer {
  /** Resolves once the HTTP server is listening (at once when attached to the caller's server). */
  readonly listening: Promise<void>;
  private readonly http: http.Server;
  /** False when attached to a server someone else owns: close() then leaves it open. */
  private readonly ownsHttp: boolean;
  private readonly upgradeListener = (req: IncomingMessage, socket: Duplex, head: Buffer) => this.onUpgrade(req, socket, head);
  private readonly wss: WebSocketServer;
  private readonly auth: SessionAuth;
  private readonly registry = new ConnectionRegistry<Connection>();
  private readonly log: Logger;
  private readonly path: string;
  private readonly allowedOrigins: readonly string[];
  private readonly rateLimit: RateLimitOptions;
  private readonly limits: BackpressureLimits;
  private readonly maxRooms: number;
  private readonly shutdownTimeoutMs: number;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly now: () => number;
  private closing = false;
  private closed: Promise<void> | undefined;
  private bound: AddressInfo | undefined;

  constructor(options: ChatServerOptions) {
    this.auth = new SessionAuth(options);
    this.log = options.logger ?? silentLogger;
    this.path = options.path ?? '/ws';
    this.allowedOrigins = options.allowedOrigins ?? [];
    this.rateLimit = { capacity: 20, refillPerSecond: 10, maxViolations: 10, ...options.rateLimit };
    this.limits = { softLimitBytes: 256 * 1024, hardLimitBytes: 1024 * 1024, ...options.backpressure };
    this.maxRooms = options.maxRoomsPerConnection ?? 32;
    this.shutdownTimeoutMs = options.shutdownTimeoutMs ?? 5_000;
    this.now = options.now ?? Date.now;

    this.wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayload ?? 16 * 1024 });
    this.ownsHttp = options.server === undefined;
    this.http =
      options.server ??
      http.createServer((req, res) => {
        this.onRequest(req, res).catch((error: unknown) => {
          this.log.warn('http.failed', { path: pathOf(req.url), error: errorName(error) });
          if (!res.headersSent) respond(res, 500, { error: new InternalServerError().code });
        });
      });
    this.http.on('upgrade', this.upgradeListener);
    this.heartbeat = setInterval(() => this.tick(), options.heartbeatIntervalMs ?? 30_000);
    this.listening = this.ownsHttp
      ? new Promise((resolve, reject) => {
          this.http.once('error', reject);
          this.http.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
            this.http.off('error', reject);
            this.bound = this.http.address() as AddressInfo;
            resolve();
          });
        })
      : Promise.resolve(); // the owner listens when it wants to
  }

  /** The bound port (still readable after close()). */
  get port(): number {
    return this.address().port;
  }

  /** Base URL of the HTTP side, e.g. `http://127.0.0.1:41234`. */
  get url(): string {
    const { address, port } = this.address();
    return `http://${address}:${port}`;
  }

  /** The WebSocket endpoint, e.g. `ws://127.0.0.1:41234/ws`. */
  get wsUrl(): string {
    return `${this.url.replace(/^http/, 'ws')}${this.path}`;
  }

  private address(): AddressInfo {
    if (!this.bound && !this.ownsHttp) {
      const address = this.http.address(); // the owner's server: listening whenever its owner says
      if (address !== null && typeof address === 'object') this.bound = address;
    }
    if (!this.bound) throw new Error('The server is not listening yet: await startChatServer() or server.listening.');
    return this.bound;
  }

  stats(): RegistryStats {
    return this.registry.stats();
  }

  connections(): ConnectionInfo[] {
    return [...this.registry.all()].map((c) => ({
      id: c.id,
      userId: c.userId,
      rooms: [...this.registry.roomsOf(c)],
      bufferedAmount: c.ws.bufferedAmount,
      dropped: c.dropped,
      closing: c.closing,
    }));
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // Until ws takes the socket over, a reset during the (async) auth would be an unhandled 'error'.
    socket.on('error', ignoreSocketError);
    void this.authenticate(req).then(
      ({ user, via }) => {
        if (this.closing) return reject(socket, new ShuttingDownError());
        if (socket.destroyed) return; // the client gave up while we were checking
        socket.off('error', ignoreSocketError); // from here on, ws owns the socket and its errors
        this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, user, via));
      },
      (error: unknown) => {
        const failure = toHandshakeError(error);
        // Log the reason and the path: never req.url (it may carry a ticket), the header, or an
        // unknown error's message (a database error can quote the query, token included).
        this.log.warn('ws.rejected', { status: failure.status, code: failure.code, path: pathOf(req.url), error: errorName(error) });
        reject(socket, failure);
      },
    );
  }

  /** Every check happens here, before the upgrade: a rejected client never gets a WebSocket. */
  private async authenticate(req: IncomingMessage): Promise<{ user: AuthenticatedUser; via: 'bearer' | 'ticket' }> {
    // TODO: throw the HandshakeError that fits, in this order (onUpgrade turns it into the HTTP answer):
    //       closing -> ShuttingDownError; pathOf(req.url) !== this.path -> NotFoundError;
    //       Origin not allowed (isOriginAllowed) -> ForbiddenOriginError; no credential (readCredential) -> MissingCredentialError.
    // TODO: a bearer credential -> { user: await this.auth.verifyToken(token), via: 'bearer' };
    //       a ticket -> { user: await this.auth.redeemTicket(ticket), via: 'ticket' }.
    throw new Error('Not implemented yet: ChatServer.authenticate (labs/07-websocket-server/chat-server.ts)');
  }

  private accept(ws: WebSocket, user: AuthenticatedUser, via: 'bearer' | 'ticket'): void {
    const conn: Connection = {
      id: randomUUID(),
      userId: user.userId,
      expiresAt: user.expiresAt,
      ws,
      bucket: new TokenBucket(this.rateLimit, performance.now()),
      violations: 0,
      isAlive: true,
      dropped: 0,
      closing: false,
    };
    // TODO: add conn to this.registry.
    ws.on('message', (data, isBinary) => this.onMessage(conn, data, isBinary));
    // TODO: on 'pong', mark conn.isAlive = true (the heartbeat reads it).
    // ws reports protocol errors here (e.g. WS_ERR_UNSUPPORTED_MESSAGE_LENGTH) and closes the socket itself.
    ws.on('error', (error: Error & { code?: string }) => this.log.warn('ws.error', { connectionId: conn.id, code: error.code }));
    ws.once('close', (code) => {
      // TODO: remove conn from this.registry (every room, every map).
      this.log.info('ws.closed', { connectionId: conn.id, userId: conn.userId, code });
    });
    this.log.info('ws.connected', { connectionId: conn.id, userId: conn.userId, via });
    this.reply(conn, { type: 'welcome', userId: conn.userId, connectionId: conn.id });
  }

  private onMessage(conn: Connection, data: RawData, isBinary: boolean): void {
    if (conn.closing) return; // frames already read after we decided to close
    // TODO: no token in conn.bucket (take(performance.now())) -> count a violation; past
    //       this.rateLimit.maxViolations in a row -> this.disconnect(conn, CloseCode.RATE_LIMITED, ...),
    //       else reply { type: 'error', code: ErrorCode.RATE_LIMITED, message }. Stop here either way.
    // TODO: a message got through: reset conn.violations.
    // TODO: parseClientMessage(binary ? the bytes : the text); an error result -> this.reply(conn, parsed.error);
    //       a message -> this.dispatch(conn, parsed.message).
    throw new Error('Not implemented yet: ChatServer.onMessage (labs/07-websocket-server/chat-server.ts)');
  }

  private dispatch(conn: Connection, msg: ClientMessage): void {
    const id = msg.id === undefined ? {} : { id: msg.id };
    switch (msg.type) {
      case 'join':
        // TODO: a new room past this.maxRooms -> error ErrorCode.ROOM_LIMIT. Else registry.join and
        //       reply { type: 'joined', room, ...id }.
        throw new Error('Not implemented yet: join (labs/07-websocket-server/chat-server.ts)');
      case 'leave':
        // TODO: registry.leave and reply { type: 'left', room, ...id } (also when it was not a member).
        throw new Error('Not implemented yet: leave (labs/07-websocket-server/chat-server.ts)');
      case 'say':
        // TODO: not a member of msg.room -> error ErrorCode.NOT_IN_ROOM.
        // TODO: encode { type: 'message', room, from: conn.userId, text, ...id } once (Buffer.from(encode(...)))
        //       and this.broadcast it, leaving out conn when msg.excludeSelf.
        throw new Error('Not implemented yet: say (labs/07-websocket-server/chat-server.ts)');
      case 'dm':
        // TODO: no connection for msg.to (registry.connectionsOf) -> error ErrorCode.USER_OFFLINE.
        // TODO: send { type: 'dm', from: conn.userId, text, ...id } to EVERY connection of that user, as essential.
        throw new Error('Not implemented yet: dm (labs/07-websocket-server/chat-server.ts)');
      case 'ping':
        return this.reply(conn, { type: 'pong', ...id });
    }
  }

  /** One encoding, many sockets. Broadcasts are the non-essential traffic backpressure may drop. */
  private broadcast(room: string, frame: Buffer, except?: Connection): void {
    // TODO: send frame to each member of the room except `except`, as NOT essential.
    //       Iterate over a copy ([...set]): a send may end up closing a member.
    throw new Error('Not implemented yet: ChatServer.broadcast (labs/07-websocket-server/chat-server.ts)');
  }

  /**
   * A push from the server side (e.g. `{ type: 'event', name, data }`) to every open socket of one
   * user, as essential traffic: the backpressure policy still applies. Returns how many sockets it
   * went to (0: the user is not connected; the caller decides whether that matters).
   */
  sendToUser(userId: number, message: ServerMessage): number {
    const targets = [...this.registry.connectionsOf(userId)];
    if (this.closing || targets.length === 0) return 0;
    const frame = Buffer.from(encode(message));
    for (const target of targets) this.send(target, frame, true);
    return targets.length;
  }

  private reply(conn: Connection, message: ServerMessage): void {
    this.send(conn, Buffer.from(encode(message)), true);
  }

  private send(conn: Connection, frame: Buffer, essential: boolean): void {
    if (conn.closing || conn.ws.readyState !== WebSocket.OPEN) return;
    // TODO: ask decideSend(conn.ws.bufferedAmount, frame.length, essential, this.limits):
    //       DROP -> count it in conn.dropped; DISCONNECT -> this.disconnect(conn, CloseCode.SLOW_CONSUMER, ...);
    //       SEND -> conn.ws.send(frame, { binary: false }) (a text frame, even from a Buffer).
    conn.ws.send(frame, { binary: false }); // sends everything, however far behind the reader is
  }

  private disconnect(conn: Connection, code: CloseCode, reason: string): void {
    if (conn.closing) return;
    conn.closing = true;
    this.log.info('ws.disconnect', { connectionId: conn.id, userId: conn.userId, code });
    conn.ws.close(code, reason);
  }

  /** The ws README's heartbeat: a peer that did not pong since the last tick is dead. */
  private tick(): void {
    // TODO: for each connection in this.registry.all():
    //       - no pong since the last tick (!conn.isAlive) -> conn.ws.terminate() (not close()) and go on;
    //       - session over (conn.expiresAt <= this.now()) -> this.disconnect(conn, CloseCode.SESSION_EXPIRED, ...);
    //       - else conn.isAlive = false and conn.ws.ping().
  }

  /** POST /ws-ticket with a Bearer token returns a single-use ticket for the browser's handshake. */
  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const origin = req.headers.origin;
    if (origin !== undefined && isOriginAllowed(origin, this.allowedOrigins)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
    }
    if (pathOf(req.url) !== '/ws-ticket') return respond(res, 404, { error: 'not_found' });
    if (!isOriginAllowed(origin, this.allowedOrigins)) return respond(res, 403, { error: new ForbiddenOriginError().code });
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', 'POST');
      res.setHeader('Access-Control-Allow-Headers', 'Authorization');
      return respond(res, 204);
    }
    if (req.method !== 'POST') return respond(res, 405, { error: 'method_not_allowed' });
    const token = readBearer(req.headers.authorization);
    try {
      if (!token) throw new MissingCredentialError();
      const issued = await this.auth.issueTicket(token);
      respond(res, 201, issued);
    } catch (error) {
      const failure = toHandshakeError(error);
      this.log.warn('ticket.rejected', { status: failure.status, code: failure.code, error: errorName(error) });
      respond(res, failure.status, { error: failure.code });
    }
  }

  /**
   * Graceful shutdown: stop accepting, close every socket with 1001, stop the heartbeat. Idempotent.
   * An attached server is left to its owner: only our 'upgrade' listener comes off it.
   */
  close(): Promise<void> {
    this.closed ??= this.shutdown();
    return this.closed;
  }

  private async shutdown(): Promise<void> {
    this.closing = true;
    // TODO: stop the heartbeat (clearInterval).
    this.http.off('upgrade', this.upgradeListener);
    const httpClosed = this.ownsHttp ? new Promise<void>((resolve) => this.http.close(() => resolve())) : Promise.resolve();
    // TODO: close every socket in this.wss.clients with CloseCode.GOING_AWAY and wait for all of them
    //       (closeWithin terminates the ones that do not answer within this.shutdownTimeoutMs).
    if (this.ownsHttp) this.http.closeAllConnections(); // idle keep-alive HTTP clients of /ws-ticket
    await httpClosed;
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}

/** Closes with a code and waits for the close handshake; terminates a peer that never answers. */
function closeWithin(ws: WebSocket, code: number, reason: string, timeoutMs: number): Promise<void> {
  if (ws.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => ws.terminate(), timeoutMs);
    ws.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    ws.close(code, reason);
  });
}

function reject(socket: Duplex, failure: HandshakeError): void {
  if (socket.destroyed) return;
  const body = JSON.stringify({ error: failure.code });
  const headers = [
    `HTTP/1.1 ${failure.status} ${http.STATUS_CODES[failure.status]}`,
    'Connection: close',
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...(failure.status === 401 ? ['WWW-Authenticate: Bearer'] : []),
  ];
  socket.once('finish', () => socket.destroy());
  socket.end(`${headers.join('\r\n')}\r\n\r\n${body}`);
}

function respond(res: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  const json = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(json) }).end(json);
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}

function ignoreSocketError(): void {}

/** Known failures keep their status; anything else is our bug: 500. */
function toHandshakeError(error: unknown): HandshakeError {
  return error instanceof HandshakeError ? error : new InternalServerError({ cause: error });
}

function errorName(error: unknown): string | undefined {
  return error instanceof HandshakeError ? undefined : error instanceof Error ? error.name : typeof error;
}
