// The chat protocol, pure: the code table, the message schemas, parse and encode.
// No sockets in this file. The server (chat-server.ts) and the client of lab 08, in Node and in
// a browser, import it, so both sides agree on every message by construction.
import { z } from 'zod';

// #region codes
/**
 * Close codes this protocol uses. 1000-1015 are defined by RFC 6455; 4000-4999 are ours.
 * Never send 1005 or 1006: they only describe what happened locally (no code, no close frame).
 */
export const CloseCode = {
  /** Done on purpose; do not reconnect. */
  NORMAL: 1000,
  /** The server is shutting down: reconnect (with backoff). */
  GOING_AWAY: 1001,
  /** A frame was bigger than `maxPayload` (`ws` sends this one for us). */
  MESSAGE_TOO_BIG: 1009,
  /** Sent by the client: the server stopped answering heartbeats. */
  HEARTBEAT_TIMEOUT: 4000,
  /** The session ran out while connected: log in again before reconnecting. */
  SESSION_EXPIRED: 4001,
  /** The session was revoked (logout, or an admin deleted it): log in again before reconnecting. */
  SESSION_REVOKED: 4003,
  /** The client stopped reading and its send buffer passed the hard limit. */
  SLOW_CONSUMER: 4008,
  /** The client kept sending after `rate_limited` errors. */
  RATE_LIMITED: 4029,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** The `code` of an `error` reply. After an error reply the connection stays open and usable. */
export const ErrorCode = {
  BAD_JSON: 'bad_json',
  BINARY_FRAME: 'binary_frame',
  UNKNOWN_TYPE: 'unknown_type',
  INVALID_MESSAGE: 'invalid_message',
  NOT_IN_ROOM: 'not_in_room',
  ROOM_LIMIT: 'room_limit',
  USER_OFFLINE: 'user_offline',
  /** This server does not let the sender write to that user (no relation): says nothing about presence. */
  DM_NOT_ALLOWED: 'dm_not_allowed',
  /** This server has no rooms (ChatServerOptions.rooms is false): `join`, `leave`, `say` and `who` are refused. */
  ROOMS_DISABLED: 'rooms_disabled',
  /** The recipient is not reading fast enough: the dm was dropped, not queued (their socket stays open). */
  RECIPIENT_BUSY: 'recipient_busy',
  /** A service the server needs for this message (e.g. Redis pub/sub) did not answer in time: not delivered, retry. */
  UNAVAILABLE: 'unavailable',
  RATE_LIMITED: 'rate_limited',
  /** Lab 10: this user may not read that stream (another user's, or a stream the app guards). */
  FORBIDDEN: 'forbidden',
  /** Lab 10: an offset that this stream never handed out (ahead of it, or no such entry). */
  BAD_OFFSET: 'bad_offset',
  /** Lab 10: an epoch that belongs to another stream. */
  FOREIGN_EPOCH: 'foreign_epoch',
  /** Lab 10: `subscribe`, `unsubscribe` and `who` need a cluster module (lab 10) on the server. */
  UNSUPPORTED: 'unsupported',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
// #endregion codes

// #region client-messages
export const RoomName = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'expected 1-64 characters of A-Z a-z 0-9 _ . : -');
/** Optional correlation id: the server copies it into its reply (or error) to this message. */
export const RequestId = z.string().max(64).optional();
const Text = z.string().min(1);
/** Lab 10: a stream a client can subscribe to: a room's (`room:lobby`) or a user's (`user:42`), or one the app defines (`job:7`). */
export const StreamName = z.string().regex(/^(room|user|job):[A-Za-z0-9_.:-]{1,64}$/, 'expected room:<name>, user:<id> or job:<id>');
/** Lab 10: a position in a stream: a Redis Streams entry id such as `1732990000000-0`. */
export const Offset = z.string().regex(/^\d{1,20}-\d{1,20}$/, 'expected a stream entry id such as 1732990000000-0');
/** Lab 10: which life of a stream an offset belongs to; it changes when the stream's history was lost. */
const Epoch = z.string().min(1).max(64);

/** Everything a client may send. The `type` field picks the shape. */
export const ClientMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('join'), room: RoomName, id: RequestId }),
  z.object({ type: z.literal('leave'), room: RoomName, id: RequestId }),
  z.object({ type: z.literal('say'), room: RoomName, text: Text, excludeSelf: z.boolean().optional(), id: RequestId }),
  z.object({ type: z.literal('dm'), to: z.number().int().positive(), text: Text, id: RequestId }),
  z.object({ type: z.literal('ping'), id: RequestId }),
  /** Lab 10: hear a stream; with `epoch` and `offset`, first everything after that position. */
  z.object({ type: z.literal('subscribe'), stream: StreamName, epoch: Epoch.optional(), offset: Offset.optional(), id: RequestId }),
  z.object({ type: z.literal('unsubscribe'), stream: StreamName, id: RequestId }),
  /** Lab 10: who is in a room, across every server instance. */
  z.object({ type: z.literal('who'), room: RoomName, id: RequestId }),
]);
export type ClientMessage = z.infer<typeof ClientMessageSchema>;
export type ClientMessageType = ClientMessage['type'];
const CLIENT_TYPES: ReadonlySet<string> = new Set(ClientMessageSchema.options.map((o) => o.shape.type.value));
// #endregion client-messages

// #region server-messages
const EventName = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'expected 1-64 characters of A-Z a-z 0-9 _ . : -');
const ErrorCodeSchema = z.enum(Object.values(ErrorCode) as [ErrorCode, ...ErrorCode[]]);
/** Lab 10: where a relayed message sits in its stream; a client keeps the last one per stream to resume from. */
const Position = z.object({ stream: z.string(), epoch: z.string(), offset: z.string() });
export type Position = z.infer<typeof Position>;

/** Everything the server sends. The lab 08 client validates incoming frames with it. */
export const ServerMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('welcome'), userId: z.number().int(), connectionId: z.string() }),
  z.object({ type: z.literal('joined'), room: z.string(), id: RequestId }),
  z.object({ type: z.literal('left'), room: z.string(), id: RequestId }),
  z.object({ type: z.literal('message'), room: z.string(), from: z.number().int(), text: z.string(), id: RequestId, pos: Position.optional() }),
  z.object({ type: z.literal('dm'), from: z.number().int(), text: z.string(), id: RequestId, pos: Position.optional() }),
  z.object({ type: z.literal('pong'), id: RequestId }),
  z.object({ type: z.literal('error'), code: ErrorCodeSchema, message: z.string(), id: RequestId }),
  /** A push from the application on the server (ChatServer.sendToUser), e.g. `job.progress`. */
  z.object({ type: z.literal('event'), name: EventName, data: z.json(), pos: Position.optional() }),
  /** Lab 10: the stream is live for this socket from `offset` on (after `replayed` missed messages). Plain pub/sub sends no position. */
  z.object({ type: z.literal('subscribed'), stream: z.string(), epoch: z.string().optional(), offset: z.string().optional(), replayed: z.number().int(), id: RequestId }),
  z.object({ type: z.literal('unsubscribed'), stream: z.string(), id: RequestId }),
  /**
   * Lab 10: some messages between the client's last position and what follows may be missing (the
   * history was trimmed, or lost with Redis: a new epoch): reload the state from the source of truth
   * (PostgreSQL). Delivery goes on after `offset` of `epoch` with everything the stream still has.
   */
  z.object({ type: z.literal('resync'), stream: z.string(), epoch: z.string(), offset: z.string(), reason: z.enum(['history_lost', 'epoch_changed']) }),
  /** Lab 10: the answer to `who`: users in the room on any instance, ascending. */
  z.object({ type: z.literal('presence'), room: z.string(), users: z.array(z.number().int()), id: RequestId }),
]);
export type ServerMessage = z.infer<typeof ServerMessageSchema>;
export type ServerMessageType = ServerMessage['type'];
export type ErrorReply = Extract<ServerMessage, { type: 'error' }>;
/** What the application pushes: a name to dispatch on and any JSON value. */
export type ServerEvent = Extract<ServerMessage, { type: 'event' }>;
// #endregion server-messages

// #region parse
export type ParseResult = { ok: true; message: ClientMessage } | { ok: false; error: ErrorReply };

const fail = (code: ErrorCode, message: string, id?: string): ParseResult => ({
  ok: false,
  error: id === undefined ? { type: 'error', code, message } : { type: 'error', code, message, id },
});

/**
 * Turns one incoming frame into a typed message, or into the error reply to send back.
 * Text frames arrive as strings; binary frames as bytes (this protocol has none).
 * Never throws: `JSON.parse` output is untrusted until the schema says otherwise.
 */
export function parseClientMessage(frame: string | Uint8Array): ParseResult {
  if (typeof frame !== 'string') return fail(ErrorCode.BINARY_FRAME, 'binary frames are not supported: send JSON text');
  let raw: unknown;
  try {
    raw = JSON.parse(frame);
  } catch {
    return fail(ErrorCode.BAD_JSON, 'message is not valid JSON');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return fail(ErrorCode.INVALID_MESSAGE, 'message must be a JSON object with a "type" field');
  }
  const record = raw as Record<string, unknown>;
  const id = typeof record.id === 'string' && record.id.length <= 64 ? record.id : undefined;
  if (typeof record.type !== 'string') return fail(ErrorCode.INVALID_MESSAGE, 'type: field is required', id);
  if (!CLIENT_TYPES.has(record.type)) return fail(ErrorCode.UNKNOWN_TYPE, `unknown message type "${record.type.slice(0, 32)}"`, id);
  const parsed = ClientMessageSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return fail(ErrorCode.INVALID_MESSAGE, `${issue.path.join('.') || 'message'}: ${issue.message}`, id);
  }
  return { ok: true, message: parsed.data };
}
// #endregion parse

/** Parses a frame from the server; `null` if it is not a message of this protocol. */
export function parseServerMessage(frame: string): ServerMessage | null {
  try {
    const parsed = ServerMessageSchema.safeParse(JSON.parse(frame));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export const encode = (message: ServerMessage | ClientMessage): string => JSON.stringify(message);
