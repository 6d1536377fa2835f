// One instance of the cluster: lab 07's ChatServer with its delivery handed to a bus (plain pub/sub
// or the relay) and presence kept in Redis. The wiring only: what crosses instances lives in
// fanout.ts / relay.ts, who is online in presence.ts, what a user may read in `authorize`.
import { randomBytes } from 'node:crypto';
import type { RedisClientType } from 'redis';
import { startChatServer, type ChatServer, type ChatServerHooks, type ChatServerOptions, type ConnectionRef, type ExtensionMessage } from '../../solutions/07-websocket-server/chat-server.ts';
import { sessionId } from '../../solutions/07-websocket-server/keys.ts';
import { encode, ErrorCode, type ServerMessage } from '../../solutions/07-websocket-server/protocol.ts';
import type { Published, StreamBus, StreamMessage } from './bus.ts';
import { PubSubFanout } from './fanout.ts';
import { Presence } from './presence.ts';
import { StreamRelay, type RelayOptions } from './relay.ts';
import { parseStream, revocationsChannel, roomStream, userStream } from './streams.ts';

export type ClusterMode = 'pubsub' | 'relay';

/** May `userId` read `stream`? Async so it can ask PostgreSQL (a job's owner, say). */
export type Authorize = (userId: number, stream: string) => boolean | Promise<boolean>;

// #region authorize
/** Rooms are open to every signed-in user; a user stream only to that user; anything else to nobody. */
export const defaultAuthorize: Authorize = (userId, stream) => {
  const parsed = parseStream(stream);
  if (parsed?.kind === 'room') return true;
  if (parsed?.kind === 'user') return parsed.id === String(userId);
  return false;
};
// #endregion authorize

export interface ClusterNodeOptions extends Omit<ChatServerOptions, 'hooks' | 'redis'> {
  /** Commands (sessions, tickets, scripts, presence). The caller connects and closes it. */
  redis: RedisClientType;
  /** Only for SUBSCRIBE. The caller connects and closes it. */
  subscriber: RedisClientType;
  /** @default 'relay' */
  mode?: ClusterMode;
  /** @default defaultAuthorize */
  authorize?: Authorize;
  /** Relay history and batching. */
  relay?: Pick<RelayOptions, 'maxLen' | 'ttlMs' | 'batch'>;
  /** Presence entries expire this long after an instance stops refreshing them. @default 15_000 */
  presenceTtlMs?: number;
  /** @default a random id */
  instanceId?: string;
}

export interface ClusterNode {
  readonly chat: ChatServer;
  readonly bus: StreamBus;
  readonly presence: Presence;
  readonly instanceId: string;
  /** A push from the server side (a job's progress, a notification) to a stream, from any instance. */
  publish(stream: string, message: StreamMessage): Promise<Published>;
  /**
   * Logs a session out on every instance: lab 07's `revokeSession` here (row, cache, tickets, this
   * instance's sockets), then the session's id on the revocations channel, so every other instance
   * closes its sockets of that session with 4003 too. Returns how many sockets *this* instance
   * closed. Rejects when the session could not be revoked, or the other instances not be told.
   */
  revokeSession(token: string): Promise<number>;
  /** Closes the chat server, the bus and presence; the Redis clients stay the caller's. Idempotent. */
  close(): Promise<void>;
}

export async function startClusterNode(options: ClusterNodeOptions): Promise<ClusterNode> {
  const { redis, subscriber, mode = 'relay', authorize = defaultAuthorize, relay, presenceTtlMs, instanceId = randomBytes(4).toString('hex'), ...chatOptions } = options;
  const log = chatOptions.logger;
  const onError = (error: unknown, where: string) => log?.warn('cluster.redis_error', { where, error: error instanceof Error ? error.message : String(error) });
  let chat: ChatServer | undefined;
  const deliver = (connectionId: string, frame: Buffer) => chat?.sendTo(connectionId, frame) ?? false;
  const reply = (connectionId: string, message: ServerMessage) => deliver(connectionId, Buffer.from(encode(message)));
  const prefix = chatOptions.keyPrefix;
  const bus: StreamBus =
    mode === 'relay' ? new StreamRelay({ redis, subscriber, prefix, deliver, onError, ...relay }) : new PubSubFanout({ redis, subscriber, prefix, deliver, onError });
  const presence = new Presence({ redis, prefix, instanceId, ttlMs: presenceTtlMs, onError });

  // #region hooks
  // A learner file still the starter throws "Not implemented yet: … (labs/10-pubsub-scaling/<file>)":
  // that message goes to the client as it is, so a test fails at once naming the file instead of
  // reading a Redis outage into it. Any other error stays in the log.
  const unavailable = (to: ConnectionRef, id: { id?: string }) => (error?: unknown) => {
    const cause = error instanceof Error && /not implemented/i.test(error.message) ? error.message : undefined;
    void reply(to.id, { type: 'error', code: ErrorCode.UNAVAILABLE, message: cause ?? 'Redis did not take the message: send it again', ...id });
  };

  const hooks: ChatServerHooks = {
    connected: (conn) => presence.connected(conn.userId, conn.id),
    disconnected: (conn) => {
      bus.dropConnection(conn.id);
      presence.disconnected(conn.userId, conn.id);
    },
    joined: (conn, room) => presence.entered(room, conn.userId, conn.id),
    left: (conn, room) => presence.left(room, conn.userId, conn.id),
    roomMessage: (from, message, excludeSelf) => {
      const id = message.id === undefined ? {} : { id: message.id };
      bus.publish(roomStream(message.room), message, excludeSelf ? from.id : undefined).catch(unavailable(from, id));
    },
    directMessage: (from, to, message) => {
      const id = message.id === undefined ? {} : { id: message.id };
      presence
        .isOnline(to)
        .then((online) => {
          if (!online) return void reply(from.id, { type: 'error', code: ErrorCode.USER_OFFLINE, message: `user ${to} is not connected`, ...id });
          return bus.publish(userStream(to), message).then(() => {});
        })
        .catch(unavailable(from, id));
    },
    extension: (from, message) => void handleExtension(from, message),
  };

  async function handleExtension(from: ConnectionRef, message: ExtensionMessage): Promise<void> {
    const id = message.id === undefined ? {} : { id: message.id };
    try {
      switch (message.type) {
        case 'subscribe': {
          if (!(await authorize(from.userId, message.stream))) {
            return void reply(from.id, { type: 'error', code: ErrorCode.FORBIDDEN, message: `you may not read "${message.stream}"`, ...id });
          }
          const position = message.epoch !== undefined && message.offset !== undefined ? { epoch: message.epoch, offset: message.offset } : undefined;
          return await bus.subscribe(from.id, message.stream, position, message.id);
        }
        case 'unsubscribe':
          await bus.unsubscribe(from.id, message.stream);
          return void reply(from.id, { type: 'unsubscribed', stream: message.stream, ...id });
        case 'who':
          return void reply(from.id, { type: 'presence', room: message.room, users: await presence.online(message.room), ...id });
      }
    } catch (error) {
      onError(error, message.type);
      unavailable(from, id)(error);
    }
  }
  // #endregion hooks

  chat = await startChatServer({ ...chatOptions, redis, hooks });
  // #region revocations
  // Plain pub/sub is enough here: a revoked session can no longer open a socket (its row is gone),
  // so only sockets open at that moment need the news. An instance whose subscriber was
  // reconnecting right then misses it; its sockets of that session live on until they close.
  const revocations = revocationsChannel(prefix);
  const onRevoked = (id: string) => void chat?.closeSession(id);
  try {
    await subscriber.subscribe(revocations, onRevoked);
  } catch (error) {
    await chat.close();
    throw error;
  }
  // #endregion revocations
  let closed: Promise<void> | undefined;
  return {
    chat,
    bus,
    presence,
    instanceId,
    publish: (stream, message) => bus.publish(stream, message),
    async revokeSession(token) {
      let count = 0;
      try {
        count = await chat!.revokeSession(token);
      } finally {
        // Even when lab 07 could not reach Redis: the row is gone, the sockets elsewhere must go too.
        await redis.publish(revocations, sessionId(token));
      }
      return count;
    },
    close() {
      closed ??= (async () => {
        await chat.close();
        if (subscriber.isReady) await subscriber.unsubscribe(revocations, onRevoked).catch((error: unknown) => onError(error, 'close'));
        await bus.close();
        if (redis.isReady) await presence.close();
        else void presence.close(); // its entries expire; the owner's destroy() ends the attempt
      })();
      return closed;
    },
  };
}
