// The chat protocol: what a client may send, what the server sends back. Pure functions only:
// no sockets here, so every rule can be tested with a string.
import type { RawData } from 'ws';
import { z } from 'zod';
import { BadMessageError } from './errors.ts';

export const CloseCode = {
  NORMAL: 1000,
  /** The server is shutting down. */
  GOING_AWAY: 1001,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

const room = z.string().min(1).max(64);
const text = z.string().min(1).max(2000);

const ClientMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('join'), room }),
  z.object({ type: z.literal('leave'), room }),
  z.object({ type: z.literal('say'), room, text }),
  z.object({ type: z.literal('typing'), room }),
  z.object({ type: z.literal('direct'), to: z.string().min(1), text }),
]);
export type ClientMessage = z.infer<typeof ClientMessageSchema>;

export type ServerMessage =
  | { type: 'welcome'; id: string }
  | { type: 'joined'; room: string }
  | { type: 'left'; room: string }
  | { type: 'message'; room: string; from: string; text: string }
  | { type: 'typing'; room: string; from: string; typing: boolean }
  | { type: 'direct'; from: string; text: string }
  | { type: 'announcement'; text: string }
  | { type: 'error'; code: string; message: string };

/** Parses one WebSocket frame into a client message, or throws `BadMessageError`. */
export function parseClientMessage(data: RawData, isBinary: boolean): ClientMessage {
  if (isBinary) throw new BadMessageError('binary frames are not accepted');
  let json: unknown;
  try {
    json = JSON.parse(data.toString());
  } catch (error) {
    throw new BadMessageError('not JSON', { cause: error });
  }
  const parsed = ClientMessageSchema.safeParse(json);
  if (!parsed.success) throw new BadMessageError(z.prettifyError(parsed.error));
  return parsed.data;
}

export const encode = (message: ServerMessage): string => JSON.stringify(message);
