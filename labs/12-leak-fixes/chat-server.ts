// A small chat server: rooms, messages, typing indicators, direct messages and server-wide
// announcements, in lab 07's protocol (protocol.ts). Room events travel through Redis pub/sub, so
// several instances could share rooms.
//
// It works: every feature does what it should. But each connection leaves something behind when
// it goes, and the server keeps it forever. The leaks are marked 🐨 LEAK 1 … 6 (LEAK 2 is in
// room-registry.ts); each has its own test in leaks.test.ts, so you can fix them one at a time.
// Three places are not bounded at all: 🐨 BOUND 1 … 3 (after the leaks).
//
// The Redis clients and the announcement bus are the caller's: the server only adds and removes
// its own listeners on them, and never closes them.
import { randomUUID } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RedisClientType } from 'redis';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { boundedRedis } from '../../solutions/06-redis-caching/deadline.ts';
import { decideSend, SendDecision, type BackpressureLimits } from '../../solutions/07-websocket-server/backpressure.ts';
import { closeWithin } from '../../solutions/07-websocket-server/chat-server.ts';
import { roomChannel } from './channels.ts';
import { ChannelUnavailableError, NotInRoomError, UnknownClientError } from './errors.ts';
import { announcementEvent, CloseCode, encode, ErrorCode, parseClientMessage, typingEvent, type ClientMessage, type ServerMessage } from './protocol.ts';
import { RoomRegistry } from './room-registry.ts';

/** Events on the process-wide announcement bus. */
export interface AnnouncementEvents {
  announce: [text: string];
}
export type Announcements = EventEmitter<AnnouncementEvents>;

type Publisher = Pick<RedisClientType, 'publish' | 'isReady'>;
type Subscriber = Pick<RedisClientType, 'subscribe' | 'unsubscribe' | 'getPubSubListeners' | 'isReady'>;

export interface ChatServerOptions {
  /** Publishes room events. Owned by the caller. */
  publisher: Publisher;
  /** A client dedicated to SUBSCRIBE (e.g. `publisher.duplicate()`). Owned by the caller. */
  subscriber: Subscriber;
  /** Put in front of every Redis channel name. */
  prefix: string;
  /** A process-wide bus: every `announce` event is sent to every connected client. Owned by the caller. */
  announcements: Announcements;
  /** How often each connection is pinged; a peer that missed the previous pong is terminated. @default 30000 */
  heartbeatMs?: number;
  /** How long "typing…" lasts after a client's last `typing` message. @default 3000 */
  typingMs?: number;
  /** Largest frame accepted; a bigger one closes the socket with 1009 before it is buffered. @default 16 KiB */
  maxPayload?: number;
  /** Send-buffer limits per socket (lab 07's policy). @default { softLimitBytes: 256 KiB, hardLimitBytes: 1 MiB } */
  backpressure?: Partial<BackpressureLimits>;
  /** Give up on one Redis command (publish, subscribe) after this long. @default 1000 */
  redisTimeoutMs?: number;
  /** close() terminates sockets that have not finished closing after this long. @default 5000 */
  shutdownTimeoutMs?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** @default 0 (any free port) */
  port?: number;
}

/** What the server holds right now. Every number is counted from the real structure, not tracked on the side. */
export interface ChatStats {
  /** Open sockets, as `ws` itself tracks them (`wss.clients`). */
  sockets: number;
  /** Entries in the client directory. */
  clients: number;
  /** Entries in the room map, empty rooms included. */
  rooms: number;
  /** Memberships across every room. */
  memberships: number;
  /** Listeners for `announce` on the shared bus (everyone's, not only this server's). */
  announceListeners: number;
  /** Message listeners the subscriber client holds on this server's room channels. */
  roomListeners: number;
}

export interface ChatServer {
  readonly port: number;
  /** `ws://host:port` */
  readonly url: string;
  /** The ws server, for diagnostics (e.g. watching `connection` events). */
  readonly wss: WebSocketServer;
  stats(): ChatStats;
  /** Closes every socket with 1001, releases what they held, stops listening. Idempotent. */
  close(): Promise<void>;
}

interface Client {
  /** This connection's number: `welcome.userId`, what `dm.to` and `message.from` carry. */
  readonly id: number;
  readonly connectionId: string;
  readonly ws: WebSocket;
  /** Rooms this client joined. */
  readonly rooms: Set<string>;
  /** The running "typing…" timer per room. */
  readonly typing: Map<string, NodeJS.Timeout>;
  /** The exact functions registered on the bus and on Redis: removing a listener needs the same reference. */
  readonly onAnnounce: (text: string) => void;
  readonly deliver: (message: string) => void;
  heartbeat: NodeJS.Timeout | undefined;
  alive: boolean;
  /** Messages from one socket are handled one after the other, in order. */
  inbox: Promise<void>;
}

/** The error reply for a failed message: our errors keep their code; anything else says "unavailable". */
function errorReply(error: unknown): ServerMessage {
  if (error instanceof NotInRoomError || error instanceof UnknownClientError || error instanceof ChannelUnavailableError) {
    return { type: 'error', code: error.code, message: error.message };
  }
  return { type: 'error', code: ErrorCode.UNAVAILABLE, message: 'The server could not handle this message: try again' };
}

function toText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  return Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data).toString('utf8');
}

export async function createChatServer(options: ChatServerOptions): Promise<ChatServer> {
  const { publisher, subscriber, prefix, announcements } = options;
  const heartbeatMs = options.heartbeatMs ?? 30_000;
  const typingMs = options.typingMs ?? 3_000;
  const limits: BackpressureLimits = { softLimitBytes: 256 * 1024, hardLimitBytes: 1024 * 1024, ...options.backpressure };
  const redisTimeoutMs = options.redisTimeoutMs ?? 1000;
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? 5000;

  const clients = new Map<number, Client>();
  let lastId = 0;
  const rooms = new RoomRegistry<number>();
  const http = createServer((_req, res) => res.writeHead(426, { connection: 'close' }).end('WebSocket only\n'));
  // 🐨 BOUND 1 (payloads): as it is, ws reads a frame of any size (up to 100 MiB) into memory before
  //    we see it. Contract: a frame over options.maxPayload (default 16 KiB) closes the socket with
  //    1009 before it is buffered. Trap: checking the size in the 'message' handler is too late.
  const wss = new WebSocketServer({ server: http });

  /** A reply or a push to this socket: essential, so a reader past the hard limit is closed (4008). */
  function send(ws: WebSocket, message: ServerMessage): void {
    if (ws.readyState !== WebSocket.OPEN) return;
    const frame = encode(message);
    if (decideSend(ws.bufferedAmount, Buffer.byteLength(frame), true, limits) === SendDecision.DISCONNECT) {
      ws.close(CloseCode.SLOW_CONSUMER, 'slow consumer');
      return;
    }
    ws.send(frame);
  }

  /** Traffic other clients cause (room events, dms): dropped for a reader that is behind, never a disconnect. */
  function deliverTo(ws: WebSocket, frame: string): boolean {
    if (ws.readyState !== WebSocket.OPEN) return false;
    // 🐨 BOUND 2 (slow readers): a client that stops reading keeps everything sent to it in
    //    ws.bufferedAmount, for ever. Contract: room traffic to a reader past the soft limit is
    //    dropped (return false), never queued; lab 07's backpressure policy already decides this.
    //    Trap: other clients' traffic is not essential for this reader.
    ws.send(frame);
    return true;
  }

  /** Publishes with a deadline: a Redis that is away or silent is an error reply, not a lost message. */
  async function publish(channel: string, message: ServerMessage): Promise<void> {
    // 🐨 BOUND 3 (a silent Redis): this waits as long as Redis does, and the sender never hears that
    //    the message went nowhere. Contract: give up after redisTimeoutMs (lab 06 has the deadline
    //    helper) and fail with ChannelUnavailableError, keeping the cause: the sender then gets an
    //    `unavailable` error reply.
    await publisher.publish(channel, encode(message));
  }

  async function joinRoom(client: Client, room: string): Promise<void> {
    if (!rooms.join(room, client.id)) return; // already in: joining twice is harmless
    client.rooms.add(room);
    try {
      await boundedRedis(subscriber, redisTimeoutMs, (c) => c.subscribe(roomChannel(prefix, room), client.deliver));
    } catch (error) {
      await leaveRoom(client, room).catch(() => {}); // not subscribed: not a member either
      throw new ChannelUnavailableError({ cause: error });
    }
  }

  /** Takes `client` out of `room`. False if it was not in. */
  async function leaveRoom(client: Client, room: string): Promise<boolean> {
    if (!rooms.leave(room, client.id)) return false;
    client.rooms.delete(room);
    // 🐨 LEAK 3 (timers): a "typing…" timer may still run for this room. Clear it and delete it
    //    from `client.typing`.
    // 🐨 LEAK 4 (subscriptions): joinRoom() subscribed `client.deliver` to the room's channel.
    //    Unsubscribe that same function from that channel (both arguments!) and await it.
    return true;
  }

  async function leaveAll(client: Client): Promise<void> {
    await Promise.all([...client.rooms].map((room) => leaveRoom(client, room)));
  }

  function requireMember(client: Client, room: string): string {
    if (!rooms.has(room, client.id)) throw new NotInRoomError(room);
    return roomChannel(prefix, room);
  }

  async function startTyping(client: Client, room: string): Promise<void> {
    const channel = requireMember(client, room);
    const running = client.typing.get(room);
    if (running) {
      running.refresh(); // still typing: push the end back
      return;
    }
    const timer = setTimeout(() => {
      client.typing.delete(room);
      publish(channel, typingEvent({ room, from: client.id, typing: false })).catch(() => {
        // Redis is unreachable: the indicator simply stays until the next message.
      });
    }, typingMs);
    client.typing.set(room, timer);
    await publish(channel, typingEvent({ room, from: client.id, typing: true }));
  }

  async function handle(client: Client, message: ClientMessage): Promise<void> {
    switch (message.type) {
      case 'join':
        await joinRoom(client, message.room);
        send(client.ws, { type: 'joined', room: message.room });
        return;
      case 'leave':
        if (!(await leaveRoom(client, message.room))) throw new NotInRoomError(message.room);
        send(client.ws, { type: 'left', room: message.room });
        return;
      case 'say': {
        const channel = requireMember(client, message.room);
        await publish(channel, { type: 'message', room: message.room, from: client.id, text: message.text });
        return;
      }
      case 'typing':
        await startTyping(client, message.room);
        return;
      case 'dm': {
        const to = clients.get(message.to);
        if (!to) throw new UnknownClientError(message.to);
        if (!deliverTo(to.ws, encode({ type: 'dm', from: client.id, text: message.text }))) {
          send(client.ws, { type: 'error', code: ErrorCode.RECIPIENT_BUSY, message: `client ${message.to} is not reading: message dropped` });
        }
        return;
      }
      case 'ping':
        send(client.ws, { type: 'pong' });
        return;
    }
  }

  wss.on('connection', (ws) => {
    const client: Client = {
      id: ++lastId,
      connectionId: randomUUID(),
      ws,
      rooms: new Set(),
      typing: new Map(),
      onAnnounce: (text) => void deliverTo(ws, encode(announcementEvent(text))),
      deliver: (message) => void deliverTo(ws, message),
      heartbeat: undefined,
      alive: true,
      inbox: Promise.resolve(),
    };
    clients.set(client.id, client);
    announcements.on('announce', client.onAnnounce);

    client.heartbeat = setInterval(() => {
      if (!client.alive) {
        ws.terminate(); // missed a pong: the peer is gone without a close frame
        return;
      }
      client.alive = false;
      ws.ping();
    }, heartbeatMs);
    ws.on('pong', () => {
      client.alive = true;
    });

    ws.on('message', (data, isBinary) => {
      const parsed = parseClientMessage(isBinary ? new Uint8Array() : toText(data));
      if (!parsed.ok) return send(ws, parsed.error);
      client.inbox = client.inbox.then(() => handle(client, parsed.message)).catch((error: unknown) => send(ws, errorReply(error)));
    });
    ws.on('error', () => {
      // A protocol error or a reset: ws closes the socket and emits 'close', where cleanup happens.
    });

    ws.on('close', () => {
      // 🐨 LEAK 1 (listeners): the shared bus still holds `client.onAnnounce`, and through it this
      //    socket. Remove that exact function from `announcements`.
      // 🐨 LEAK 3 (timers): stop this connection's heartbeat interval.
      // 🐨 LEAK 5 (directory): take this client out of the `clients` map.

      // Leave the rooms after the messages already received: a join may still be subscribing.
      client.inbox = client.inbox.then(() => leaveAll(client)).catch(() => {
        // Only fails if the subscriber was closed by its owner, which dropped the subscriptions anyway.
      });
    });

    send(ws, { type: 'welcome', userId: client.id, connectionId: client.connectionId });
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      http.off('error', reject);
      resolve();
    });
  });
  const { port, address } = http.address() as AddressInfo;

  let closing: Promise<void> | undefined;
  async function shutDown(): Promise<void> {
    // 🐨 LEAK 6 (close): wss.close() calls back only once every socket has closed, and nothing
    //    closes them: with anyone connected, this never settles. Contract: every client is told the
    //    server is going away, and close() finishes within shutdownTimeoutMs even if a peer never
    //    answers (lab 07 solved exactly this). Trap: the 'close' handlers take clients out of
    //    `clients` as they run, and you still need them below: keep a copy first.
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    // 🐨 LEAK 6: each 'close' handler queued its cleanup (leave rooms, unsubscribe) on its
    //    client's `inbox`. Await the `inbox` of every client in your copy before going on.
    await new Promise<void>((resolve, reject) => http.close((error) => (error ? reject(error) : resolve())));
  }

  return {
    port,
    url: `ws://${address}:${port}`,
    wss,
    stats() {
      let roomListeners = 0;
      const ours = roomChannel(prefix, '');
      for (const [channel, listeners] of subscriber.getPubSubListeners('CHANNELS')) {
        if (channel.startsWith(ours)) roomListeners += listeners.strings.size + listeners.buffers.size;
      }
      return {
        sockets: wss.clients.size,
        clients: clients.size,
        rooms: rooms.size,
        memberships: rooms.memberships,
        announceListeners: announcements.listenerCount('announce'),
        roomListeners,
      };
    },
    close() {
      // 🐨 LEAK 6: a second close() closes the HTTP server again and rejects. Contract: close() is
      //    idempotent, every call gets the first call's outcome (`closing` is there for that).
      return shutDown();
    },
  };
}
