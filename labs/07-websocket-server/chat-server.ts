// The I/O edge: one HTTP server (its own, or one it is attached to), `ws` in noServer mode, and the
// wiring between sockets and the pure modules (protocol, handshake, registry, rate-limit,
// backpressure) and the auth module.
import { randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { decideSend, SendDecision, type BackpressureLimits } from './backpressure.ts';
import { BadUpgradeError, ForbiddenOriginError, HandshakeError, InternalServerError, MissingCredentialError, NotFoundError, ShuttingDownError, TooManyConnectionsError } from './errors.ts';
import { sessionId } from './keys.ts';
import { isOriginAllowed, isWebSocketUpgrade, pathOf, readBearer, readCredential } from './handshake.ts';
import { silentLogger, type Logger } from './logger.ts';
import { CloseCode, encode, ErrorCode, parseClientMessage, type ClientMessage, type ServerMessage } from './protocol.ts';
import { TokenBucket, type TokenBucketOptions } from './rate-limit.ts';
import { ConnectionRegistry, type RegistryStats } from './registry.ts';
import { SessionAuth, type AuthenticatedUser, type IssuedTicket, type SessionAuthOptions } from './session-auth.ts';

export interface RateLimitOptions extends TokenBucketOptions {
  /** Rejected messages in a row before the socket is closed with 4029. */
  maxViolations: number;
}

export interface ChatServerOptions {
  /** Sessions are rows of the Prisma `Session` model. */
  prisma: SessionAuthOptions['prisma'];
  /** Caches sessions and holds tickets. The caller connects and closes it. */
  redis: SessionAuthOptions['redis'];
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
  /**
   * Per-user message rate, shared by all of a user's sockets (so 20 tabs do not get 20 times the
   * rate). Rejections count as violations of the connection that sent them.
   * @default { capacity: 40, refillPerSecond: 20 }
   */
  userRateLimit?: Partial<TokenBucketOptions>;
  /** Open sockets one user may hold; the next handshake gets 429 too_many_connections. @default 16 */
  maxConnectionsPerUser?: number;
  /**
   * Sockets and handshakes in progress from one IP address, counted before authentication (an
   * attacker without a credential still costs a socket each). @default 64
   */
  maxConnectionsPerIp?: number;
  /**
   * The client's address for maxConnectionsPerIp. Behind a reverse proxy every socket comes from the
   * proxy: pass a function that reads X-Forwarded-For the way your proxies write it.
   * @default the socket's remote address
   */
  clientAddress?: (req: IncomingMessage) => string;
  /**
   * May `from` send a direct message to `to`? Asked before anything about `to` is looked up, so a
   * refusal (`dm_not_allowed`) says nothing about whether `to` is online. @default every pair may
   */
  canDirectMessage?: (from: number, to: number) => boolean;
  /** Send-buffer limits per connection. @default { softLimitBytes: 256 KiB, hardLimitBytes: 1 MiB } */
  backpressure?: Partial<BackpressureLimits>;
  /** @default 32 */
  maxRoomsPerConnection?: number;
  /** How long a ticket stays redeemable. @default 30_000 */
  ticketTtlMs?: number;
  /** close() terminates sockets that have not finished closing after this long. @default 5_000 */
  shutdownTimeoutMs?: number;
  /** Longest a session stays cached in Redis (see SessionAuthOptions). @default 60_000 */
  sessionCacheTtlMs?: number;
  /** Give up on one Redis command after this long. @default 1000 */
  redisTimeoutMs?: number;
  /** The clock for session expiry. @default Date.now */
  now?: () => number;
}

/** A live connection: one per socket. */
interface Connection {
  readonly id: string;
  readonly userId: number;
  readonly expiresAt: number;
  /** Which session opened it (a digest of the token): revokeSession() closes it. */
  readonly sessionId: string;
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
  /** The session check and ticket issuer this server uses; an app attached to the same server shares it. */
  readonly auth: SessionAuth;
  private readonly registry = new ConnectionRegistry<Connection>();
  private readonly log: Logger;
  private readonly path: string;
  private readonly allowedOrigins: readonly string[];
  private readonly rateLimit: RateLimitOptions;
  private readonly userRateLimit: TokenBucketOptions;
  /** One bucket per connected user, dropped with the user's last socket. */
  private readonly userBuckets = new Map<number, TokenBucket>();
  private readonly maxPerUser: number;
  private readonly maxPerIp: number;
  private readonly clientAddress: (req: IncomingMessage) => string;
  /** Sockets (upgraded or still in the handshake) per remote address. */
  private readonly perIp = new Map<string, number>();
  private readonly canDirectMessage: (from: number, to: number) => boolean;
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
    this.userRateLimit = { capacity: 40, refillPerSecond: 20, ...options.userRateLimit };
    this.maxPerUser = options.maxConnectionsPerUser ?? 16;
    this.maxPerIp = options.maxConnectionsPerIp ?? 64;
    this.clientAddress = options.clientAddress ?? ((req) => req.socket.remoteAddress ?? 'unknown');
    this.canDirectMessage = options.canDirectMessage ?? (() => true);
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
    // Counted from the first byte to the socket's close, before any credential is read: a client
    // that never authenticates still holds a socket.
    if (!this.countIp(req, socket)) return this.refuse(req, socket, new TooManyConnectionsError('ip'));
    void this.authenticate(req).then(
      ({ user, via }) => {
        if (this.closing) return this.refuse(req, socket, new ShuttingDownError());
        if (socket.destroyed) return; // the client gave up while we were checking
        // Checked here, in the same tick as accept() adds the connection: two handshakes of one
        // user that finish together cannot both slip under the cap.
        if (this.registry.connectionsOf(user.userId).size >= this.maxPerUser) return this.refuse(req, socket, new TooManyConnectionsError('user'));
        socket.off('error', ignoreSocketError); // from here on, ws owns the socket and its errors
        this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, user, via));
      },
      (error: unknown) => this.refuse(req, socket, toHandshakeError(error), error),
    );
  }

  /**
   * Logs one refused handshake (`ws.rejected`: status, code, path) and answers it with `failure`. Every
   * refusal goes through here, 401 and 429 alike: a flood of too_many_connections shows in the logs.
   * Never logs req.url (it may carry a ticket), a header, or an unknown error's message (a database
   * error can quote the query, token included): only the error's class name.
   */
  private refuse(req: IncomingMessage, socket: Duplex, failure: HandshakeError, error: unknown = failure): void {
    this.log.warn('ws.rejected', { status: failure.status, code: failure.code, path: pathOf(req.url), error: errorName(error) });
    reject(socket, failure);
  }

  /** One more socket from this request's address; false (and nothing counted) past the cap. */
  private countIp(req: IncomingMessage, socket: Duplex): boolean {
    const ip = this.clientAddress(req);
    const count = this.perIp.get(ip) ?? 0;
    if (count >= this.maxPerIp) return false;
    this.perIp.set(ip, count + 1);
    socket.once('close', () => {
      const left = (this.perIp.get(ip) ?? 1) - 1;
      if (left > 0) this.perIp.set(ip, left);
      else this.perIp.delete(ip);
    });
    return true;
  }

  /** Every check happens here, before the upgrade: a rejected client never gets a WebSocket. */
  private async authenticate(req: IncomingMessage): Promise<{ user: AuthenticatedUser; via: 'bearer' | 'ticket' }> {
    // TODO: throw the HandshakeError that fits, in this order (onUpgrade turns it into the HTTP answer):
    //       closing -> ShuttingDownError; pathOf(req.url) !== this.path -> NotFoundError;
    //       not an upgrade ws would accept (isWebSocketUpgrade) -> BadUpgradeError, BEFORE the credential:
    //       a broken request must not use up a single-use ticket;
    //       Origin not allowed (isOriginAllowed) -> ForbiddenOriginError; no credential (readCredential) -> MissingCredentialError.
    // TODO: then turn the credential into a user with this.auth, the right way for each kind: a
    //       session token is verified, a ticket is redeemed (used up). Report which kind it was.
    throw new Error('Not implemented yet: ChatServer.authenticate (labs/07-websocket-server/chat-server.ts)');
  }

  private accept(ws: WebSocket, user: AuthenticatedUser, via: 'bearer' | 'ticket'): void {
    const conn: Connection = {
      id: randomUUID(),
      userId: user.userId,
      expiresAt: user.expiresAt,
      sessionId: user.sessionId,
      ws,
      bucket: new TokenBucket(this.rateLimit, performance.now()),
      violations: 0,
      isAlive: true,
      dropped: 0,
      closing: false,
    };
    // TODO: make the connection known, so rooms, dms and stats can find it. Trap: one user may have
    //       several tabs open; a new tab must not hide the older one.
    if (!this.userBuckets.has(conn.userId)) this.userBuckets.set(conn.userId, new TokenBucket(this.userRateLimit, performance.now()));
    ws.on('message', (data, isBinary) => this.onMessage(conn, data, isBinary));
    // TODO: the heartbeat (tick) needs to know this peer answered its last ping. Contract: the flag it
    //       reads starts true and is set again by every answer, never by an incoming message.
    // ws reports protocol errors here (e.g. WS_ERR_UNSUPPORTED_MESSAGE_LENGTH) and closes the socket itself.
    ws.on('error', (error: Error & { code?: string }) => this.log.warn('ws.error', { connectionId: conn.id, code: error.code }));
    ws.once('close', (code) => {
      // TODO: forget this connection everywhere it was recorded. Trap: an empty room or a user with
      //       no socket left is a leak too (lab 12 counts them).
      if (this.registry.connectionsOf(conn.userId).size === 0) this.userBuckets.delete(conn.userId);
      this.log.info('ws.closed', { connectionId: conn.id, userId: conn.userId, code });
    });
    this.log.info('ws.connected', { connectionId: conn.id, userId: conn.userId, via });
    this.reply(conn, { type: 'welcome', userId: conn.userId, connectionId: conn.id });
  }

  private onMessage(conn: Connection, data: RawData, isBinary: boolean): void {
    if (conn.closing) return; // frames already read after we decided to close
    // TODO: the rate limit first (the cheapest check): a message needs a token from this socket's
    //       bucket and from the bucket all of this user's sockets share. Refused: reply a RATE_LIMITED
    //       error, and after more than rateLimit.maxViolations refusals in a row close the socket with
    //       CloseCode.RATE_LIMITED. A message that gets through ends the streak.
    // TODO: then parse (protocol.ts) and either reply the parse error or dispatch the message.
    //       Trap: ws hands you a binary frame too; the parser is the one to refuse it.
    throw new Error('Not implemented yet: ChatServer.onMessage (labs/07-websocket-server/chat-server.ts)');
  }

  private dispatch(conn: Connection, msg: ClientMessage): void {
    const id = msg.id === undefined ? {} : { id: msg.id };
    switch (msg.type) {
      case 'join':
        // TODO: membership, acknowledged with the protocol's 'joined' reply (echo the id). Contract:
        //       a room that does not exist yet counts against this.maxRooms (ErrorCode.ROOM_LIMIT);
        //       joining a room you are already in is not an error.
        throw new Error('Not implemented yet: join (labs/07-websocket-server/chat-server.ts)');
      case 'leave':
        // TODO: the reverse of join, acknowledged with 'left'. Contract: leaving a room you are not in
        //       is still acknowledged (it is already the state the client asked for).
        throw new Error('Not implemented yet: leave (labs/07-websocket-server/chat-server.ts)');
      case 'say':
        // TODO: only members speak in a room (ErrorCode.NOT_IN_ROOM otherwise). The server, not the
        //       client, says who it is from. Trap: a room of 1000 members should cost one encoding, not
        //       1000; and excludeSelf means the sender gets no echo.
        throw new Error('Not implemented yet: say (labs/07-websocket-server/chat-server.ts)');
      case 'dm':
        // TODO: a direct message reaches every tab of the recipient. Contract, in this order: the
        //       policy refuses (ErrorCode.DM_NOT_ALLOWED), the user has no socket (USER_OFFLINE), no tab
        //       took it (RECIPIENT_BUSY). Traps: ask the policy before you look up who is online, or the
        //       error reveals presence; another user's traffic is never essential for the recipient, so
        //       it must not get them closed as a slow consumer.
        throw new Error('Not implemented yet: dm (labs/07-websocket-server/chat-server.ts)');
      case 'ping':
        return this.reply(conn, { type: 'pong', ...id });
    }
  }

  /** One encoding, many sockets. Broadcasts are the non-essential traffic backpressure may drop. */
  private broadcast(room: string, frame: Buffer, except?: Connection): void {
    // TODO: the frame to every member of the room but `except`, as non-essential traffic (backpressure
    //       may drop it for a slow member). Trap: a send can close a member, which changes the set
    //       you are walking.
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

  /** True if the frame was handed to the socket. */
  private send(conn: Connection, frame: Buffer, essential: boolean): boolean {
    if (conn.closing || conn.ws.readyState !== WebSocket.OPEN) return false;
    // TODO: every send obeys the backpressure policy (backpressure.ts) given how much this socket
    //       already has buffered: send it, drop it (and count the drop), or close a hopeless reader
    //       with CloseCode.SLOW_CONSUMER. Return whether it was sent. Trap: a Buffer goes out as a
    //       binary frame unless you say otherwise, and the protocol is text.
    conn.ws.send(frame, { binary: false }); // sends everything, however far behind the reader is
    return true;
  }

  private disconnect(conn: Connection, code: CloseCode, reason: string): void {
    if (conn.closing) return;
    conn.closing = true;
    this.log.info('ws.disconnect', { connectionId: conn.id, userId: conn.userId, code });
    conn.ws.close(code, reason);
  }

  /** The ws README's heartbeat: a peer that did not pong since the last tick is dead. */
  private tick(): void {
    // TODO: on each tick, for every connection: one that has not answered the previous ping is dead
    //       (end it at once: a dead peer never completes a closing handshake); one whose session has
    //       expired is closed with CloseCode.SESSION_EXPIRED; every other one is pinged, and marked
    //       as waiting for its pong.
  }

  /**
   * The ticket endpoint's one definition, for this server's own POST /ws-ticket and for an app
   * that serves the route on its own server: a page of an allowed Origin (or a non-browser client)
   * trades its `Authorization: Bearer <session token>` for a single-use ticket.
   * Throws ForbiddenOriginError (403), MissingCredentialError (401), what verifyToken throws
   * (401, 503) and AuthUnavailableError (503).
   */
  async ticketFor(req: Pick<IncomingMessage, 'headers'>): Promise<IssuedTicket> {
    if (!isOriginAllowed(req.headers.origin, this.allowedOrigins)) throw new ForbiddenOriginError();
    const token = readBearer(req.headers.authorization);
    if (!token) throw new MissingCredentialError();
    return this.auth.issueTicket(token);
  }

  /**
   * Logs a session out: revokes it (SessionAuth.revokeSession: row, cache, tickets) and closes
   * this server's sockets of that session with 4003 SESSION_REVOKED. Returns how many it closed.
   * Other sessions of the same user (other devices) stay connected.
   */
  async revokeSession(token: string): Promise<number> {
    let closed = 0;
    try {
      await this.auth.revokeSession(token);
    } finally {
      // Even when Redis could not be told (the error still reaches the caller): the row is gone.
      closed = this.closeSession(sessionId(token));
    }
    return closed;
  }

  /**
   * Closes this server's sockets of one session (`sessionId(token)`) with 4003 SESSION_REVOKED,
   * without touching the session itself: lab 10's cluster calls it on every instance when one of
   * them revoked the session. Returns how many it closed; sockets already closing are not counted.
   */
  closeSession(id: string): number {
    const sockets = [...this.registry.all()].filter((conn) => conn.sessionId === id && !conn.closing);
    for (const conn of sockets) this.disconnect(conn, CloseCode.SESSION_REVOKED, 'session revoked');
    return sockets.length;
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
    try {
      respond(res, 201, await this.ticketFor(req));
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
    // TODO: nothing this server started may keep running after close() (the heartbeat's timer keeps
    //       the process alive and ticks on closed sockets).
    this.http.off('upgrade', this.upgradeListener);
    const httpClosed = this.ownsHttp ? new Promise<void>((resolve) => this.http.close(() => resolve())) : Promise.resolve();
    // TODO: tell every connected client the server is going away (so it reconnects elsewhere) and wait
    //       until each socket is closed. Trap: a peer that stopped reading never answers the close
    //       handshake; close() must still finish within this.shutdownTimeoutMs (see closeWithin).
    if (this.ownsHttp) this.http.closeAllConnections(); // idle keep-alive HTTP clients of /ws-ticket
    await httpClosed;
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}

/**
 * Closes with a code and waits for the close handshake; terminates a peer that never answers
 * within `timeoutMs` (ws itself would wait 30 s for the close frame). Resolves once closed.
 */
export function closeWithin(ws: WebSocket, code: number, reason: string, timeoutMs: number): Promise<void> {
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
