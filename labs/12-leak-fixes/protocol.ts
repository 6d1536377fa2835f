// Lab 12 speaks lab 07's chat protocol (labs 08, 09 and 10 do too): the same messages, error codes
// and close codes, imported from the reference lab 07, so a learner's unfinished lab 07 cannot
// break this lab. This server has no logins: every connection is an anonymous user with a number
// of its own (`welcome.userId`), which is what `dm.to` and `message.from` carry.
//
// It adds one client message, `typing`, and sends two kinds of lab 07 `event`s:
//   { type: 'event', name: 'typing', data: { room, from, typing } }
//   { type: 'event', name: 'announcement', data: { text } }
// Pure functions only: no sockets here, so every rule can be tested with a string.
import { z } from 'zod';
import {
  CloseCode,
  encode as encodeChat,
  ErrorCode,
  parseClientMessage as parseChatMessage,
  RequestId,
  RoomName,
  type ClientMessage as ChatClientMessage,
  type ErrorReply,
  type ServerMessage,
} from '../../solutions/07-websocket-server/protocol.ts';

export { CloseCode, ErrorCode, type ErrorReply, type ServerMessage };

const TypingSchema = z.object({ type: z.literal('typing'), room: RoomName, id: RequestId });
export type TypingMessage = z.infer<typeof TypingSchema>;

/** What a client may send: lab 07's messages plus `typing`. */
export type ClientMessage = ChatClientMessage | TypingMessage;

export type ParseResult = { ok: true; message: ClientMessage } | { ok: false; error: ErrorReply };

/** Event names this server pushes, and their data. */
export const ChatEvent = { TYPING: 'typing', ANNOUNCEMENT: 'announcement' } as const;
export interface TypingData {
  room: string;
  from: number;
  typing: boolean;
}

/** Parses one frame: `typing` here, everything else by lab 07's parser. Never throws. */
export function parseClientMessage(frame: string | Uint8Array): ParseResult {
  if (typeof frame === 'string' && frame.includes('"typing"')) {
    try {
      const typing = TypingSchema.safeParse(JSON.parse(frame));
      if (typing.success) return { ok: true, message: typing.data };
    } catch {
      // not JSON: lab 07's parser says so with its own code
    }
  }
  return parseChatMessage(frame);
}

export const typingEvent = (data: TypingData): ServerMessage => ({ type: 'event', name: ChatEvent.TYPING, data: { ...data } });
export const announcementEvent = (text: string): ServerMessage => ({ type: 'event', name: ChatEvent.ANNOUNCEMENT, data: { text } });

export const encode = (message: ServerMessage): string => encodeChat(message);
