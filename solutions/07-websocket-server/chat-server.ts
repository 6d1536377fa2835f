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
  /**
   * Rooms on this server. An application that uses the socket only for its own pushes (the
   * finished system: job progress, to the job's owner) turns them off: `join`, `leave`, `say` and
   * `who` then get the error `rooms_disabled`, so no user can broadcast to strangers or ask who is
   * online. @default true
   */
  rooms?: boolean;
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
  /** Lets a module outside this server (lab 10's cluster) take over delivery. @default local delivery only */
  hooks?: ChatServerHooks;
}

/** What a hook is told about a connection. */
export interface ConnectionRef {
  readonly id: string;
  readonly userId: number;
}

/** A client message this server parses but leaves to a hook: lab 10's `subscribe`, `unsubscribe`, `who`. */
export type ExtensionMessage = Extract<ClientMessage, { type: 'subscribe' | 'unsubscribe' | 'who' }>;

// #region hooks
/**
 * Seams for lab 10, which joins several instances of this server through Redis. Every hook is
 * optional; without one the server behaves as in this lab. Hooks run synchronously inside the
 * server's handlers: start async work and report back through `sendTo`.
 */
export interface ChatServerHooks {
  /** A socket was accepted (after `welcome` was queued). */
  connected?(conn: ConnectionRef): void;
  /** A socket closed. `left` has already been called for each room it was in. */
  disconnected?(conn: ConnectionRef): void;
  joined?(conn: ConnectionRef, room: string): void;
  left?(conn: ConnectionRef, room: string): void;
  /** Replaces the local broadcast of a `say` (the sender is a member: checked already). */
  roomMessage?(from: ConnectionRef, message: Extract<ServerMessage, { type: 'message' }>, excludeSelf: boolean): void;
  /** Replaces the local delivery of a `dm`, the `user_offline` check included. */
  directMessage?(from: ConnectionRef, to: number, message: Extract<ServerMessage, { type: 'dm' }>): void;
  /** Handles `subscribe`, `unsubscribe` and `who`; without it they get an `unsupported` error. */
  extension?(from: ConnectionRef, message: ExtensionMessage): void;
}
// #endregion hooks

/** The messages about rooms: what `rooms: false` refuses. */
const ROOM_MESSAGES: ReadonlySet<ClientMessage['type']> = new Set(['join', 'leave', 'say', 'who']);

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
  private readonly byId = new Map<string, Connection>();
  private readonly hooks: ChatServerHooks;
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
  private readonly rooms: boolean;
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
    this.rooms = options.rooms ?? true;
    this.limits = { softLimitBytes: 256 * 1024, hardLimitBytes: 1024 * 1024, ...options.backpressure };
    this.maxRooms = options.maxRoomsPerConnection ?? 32;
    this.shutdownTimeoutMs = options.shutdownTimeoutMs ?? 5_000;
    this.now = options.now ?? Date.now;
    this.hooks = options.hooks ?? {};

    // #region servers
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
    // #endregion servers
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

  // #region upgrade
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
    if (this.closing) throw new ShuttingDownError();
    if (pathOf(req.url) !== this.path) throw new NotFoundError();
    // Before the credential: a request ws would refuse must not use up a single-use ticket.
    if (!isWebSocketUpgrade(req)) throw new BadUpgradeError();
    if (!isOriginAllowed(req.headers.origin, this.allowedOrigins)) throw new ForbiddenOriginError();
    const credential = readCredential(req);
    if (!credential) throw new MissingCredentialError();
    if (credential.kind === 'bearer') return { user: await this.auth.verifyToken(credential.token), via: 'bearer' };
    return { user: await this.auth.redeemTicket(credential.ticket), via: 'ticket' };
  }
  // #endregion upgrade

  // #region accept
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
    this.registry.add(conn);
    if (!this.userBuckets.has(conn.userId)) this.userBuckets.set(conn.userId, new TokenBucket(this.userRateLimit, performance.now()));
    this.byId.set(conn.id, conn);
    ws.on('message', (data, isBinary) => this.onMessage(conn, data, isBinary));
    ws.on('pong', () => {
      conn.isAlive = true;
    });
    // ws reports protocol errors here (e.g. WS_ERR_UNSUPPORTED_MESSAGE_LENGTH) and closes the socket itself.
    ws.on('error', (error: Error & { code?: string }) => this.log.warn('ws.error', { connectionId: conn.id, code: error.code }));
    ws.once('close', (code) => {
      for (const room of [...this.registry.roomsOf(conn)]) this.hooks.left?.(conn, room);
      this.registry.remove(conn);
      if (this.registry.connectionsOf(conn.userId).size === 0) this.userBuckets.delete(conn.userId);
      this.byId.delete(conn.id);
      this.hooks.disconnected?.(conn);
      this.log.info('ws.closed', { connectionId: conn.id, userId: conn.userId, code });
    });
    this.log.info('ws.connected', { connectionId: conn.id, userId: conn.userId, via });
    this.reply(conn, { type: 'welcome', userId: conn.userId, connectionId: conn.id });
    this.hooks.connected?.(conn);
  }
  // #endregion accept

  // #region on-message
  private onMessage(conn: Connection, data: RawData, isBinary: boolean): void {
    if (conn.closing) return; // frames already read after we decided to close
    const now = performance.now();
    // Both buckets: this socket's, and the one all of this user's sockets share.
    if (!conn.bucket.take(now) || !this.userBuckets.get(conn.userId)!.take(now)) {
      conn.violations += 1;
      if (conn.violations > this.rateLimit.maxViolations) return this.disconnect(conn, CloseCode.RATE_LIMITED, 'rate limit');
      return this.reply(conn, { type: 'error', code: ErrorCode.RATE_LIMITED, message: 'too many messages: slow down' });
    }
    conn.violations = 0;
    const parsed = parseClientMessage(isBinary ? toBuffer(data) : toBuffer(data).toString('utf8'));
    if (!parsed.ok) return this.reply(conn, parsed.error);
    this.dispatch(conn, parsed.message);
  }
  // #endregion on-message

  // #region dispatch
  private dispatch(conn: Connection, msg: ClientMessage): void {
    const id = msg.id === undefined ? {} : { id: msg.id };
    if (!this.rooms && ROOM_MESSAGES.has(msg.type)) {
      return this.reply(conn, { type: 'error', code: ErrorCode.ROOMS_DISABLED, message: `this server has no rooms: "${msg.type}" is turned off`, ...id });
    }
    switch (msg.type) {
      case 'join': {
        if (!this.registry.isMember(conn, msg.room) && this.registry.roomsOf(conn).size >= this.maxRooms) {
          return this.reply(conn, { type: 'error', code: ErrorCode.ROOM_LIMIT, message: `at most ${this.maxRooms} rooms per connection`, ...id });
        }
        if (this.registry.join(conn, msg.room)) this.hooks.joined?.(conn, msg.room);
        return this.reply(conn, { type: 'joined', room: msg.room, ...id });
      }
      case 'leave':
        if (this.registry.leave(conn, msg.room)) this.hooks.left?.(conn, msg.room);
        return this.reply(conn, { type: 'left', room: msg.room, ...id });
      case 'say': {
        if (!this.registry.isMember(conn, msg.room)) {
          return this.reply(conn, { type: 'error', code: ErrorCode.NOT_IN_ROOM, message: `join "${msg.room}" before sending to it`, ...id });
        }
        const message = { type: 'message' as const, room: msg.room, from: conn.userId, text: msg.text, ...id };
        if (this.hooks.roomMessage) return this.hooks.roomMessage(conn, message, msg.excludeSelf ?? false);
        return this.broadcast(msg.room, Buffer.from(encode(message)), msg.excludeSelf ? conn : undefined);
      }
      case 'dm': {
        // The policy first, before looking at who is online: a refusal must not reveal presence.
        if (!this.canDirectMessage(conn.userId, msg.to)) {
          return this.reply(conn, { type: 'error', code: ErrorCode.DM_NOT_ALLOWED, message: `you cannot send direct messages to user ${msg.to}`, ...id });
        }
        if (this.hooks.directMessage) return this.hooks.directMessage(conn, msg.to, { type: 'dm', from: conn.userId, text: msg.text, ...id });
        const targets = this.registry.connectionsOf(msg.to);
        if (targets.size === 0) return this.reply(conn, { type: 'error', code: ErrorCode.USER_OFFLINE, message: `user ${msg.to} is not connected`, ...id });
        const frame = Buffer.from(encode({ type: 'dm', from: conn.userId, text: msg.text, ...id }));
        // Traffic another user causes is never essential for the recipient: a slow reader loses
        // it (and the sender is told), but no sender can push a recipient's socket into 4008.
        let delivered = 0;
        for (const target of [...targets]) if (this.send(target, frame, false)) delivered += 1;
        if (delivered === 0) return this.reply(conn, { type: 'error', code: ErrorCode.RECIPIENT_BUSY, message: `user ${msg.to} is not reading: message dropped`, ...id });
        return;
      }
      case 'ping':
        return this.reply(conn, { type: 'pong', ...id });
      case 'subscribe':
      case 'unsubscribe':
      case 'who':
        if (this.hooks.extension) return this.hooks.extension(conn, msg);
        return this.reply(conn, { type: 'error', code: ErrorCode.UNSUPPORTED, message: `"${msg.type}" needs a cluster module on the server (lab 10)`, ...id });
    }
  }

  /** One encoding, many sockets. Broadcasts are the non-essential traffic backpressure may drop. */
  private broadcast(room: string, frame: Buffer, except?: Connection): void {
    for (const member of [...this.registry.members(room)]) {
      if (member !== except) this.send(member, frame, false);
    }
  }
  // #endregion dispatch

  // #region send
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

  /**
   * Sends to one socket by connection id (for hooks: lab 10 delivers per socket). `frame` is an
   * encoded message or one to encode. Returns false when that socket is not open here.
   * @param essential false lets the backpressure policy drop it. @default true
   */
  sendTo(connectionId: string, frame: Buffer | ServerMessage, essential = true): boolean {
    const conn = this.byId.get(connectionId);
    if (!conn || conn.closing || conn.ws.readyState !== WebSocket.OPEN) return false;
    this.send(conn, Buffer.isBuffer(frame) ? frame : Buffer.from(encode(frame)), essential);
    return true;
  }

  private reply(conn: Connection, message: ServerMessage): void {
    this.send(conn, Buffer.from(encode(message)), true);
  }

  /** True if the frame was handed to the socket. */
  private send(conn: Connection, frame: Buffer, essential: boolean): boolean {
    if (conn.closing || conn.ws.readyState !== WebSocket.OPEN) return false;
    switch (decideSend(conn.ws.bufferedAmount, frame.length, essential, this.limits)) {
      case SendDecision.DROP:
        conn.dropped += 1;
        return false;
      case SendDecision.DISCONNECT:
        this.disconnect(conn, CloseCode.SLOW_CONSUMER, 'slow consumer');
        return false;
      case SendDecision.SEND:
        conn.ws.send(frame, { binary: false });
        return true;
    }
  }
  // #endregion send

  private disconnect(conn: Connection, code: CloseCode, reason: string): void {
    if (conn.closing) return;
    conn.closing = true;
    this.log.info('ws.disconnect', { connectionId: conn.id, userId: conn.userId, code });
    conn.ws.close(code, reason);
  }

  // #region heartbeat
  /** The ws README's heartbeat: a peer that did not pong since the last tick is dead. */
  private tick(): void {
    const now = this.now();
    for (const conn of this.registry.all()) {
      if (!conn.isAlive) {
        this.log.info('ws.heartbeat_timeout', { connectionId: conn.id, userId: conn.userId });
        conn.ws.terminate(); // no close handshake with a peer that does not answer
        continue;
      }
      if (conn.expiresAt <= now) {
        this.disconnect(conn, CloseCode.SESSION_EXPIRED, 'session expired');
        continue;
      }
      conn.isAlive = false;
      conn.ws.ping();
    }
  }
  // #endregion heartbeat

  // #region ticket
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
  // #endregion ticket

  // #region revoke
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
  // #endregion revoke

  // #region http
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
  // #endregion http

  // #region close
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
    clearInterval(this.heartbeat);
    this.http.off('upgrade', this.upgradeListener);
    const httpClosed = this.ownsHttp ? new Promise<void>((resolve) => this.http.close(() => resolve())) : Promise.resolve();
    await Promise.all([...this.wss.clients].map((ws) => closeWithin(ws, CloseCode.GOING_AWAY, 'server shutting down', this.shutdownTimeoutMs)));
    if (this.ownsHttp) this.http.closeAllConnections(); // idle keep-alive HTTP clients of /ws-ticket
    await httpClosed;
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
  // #endregion close
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
