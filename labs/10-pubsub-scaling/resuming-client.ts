// Lab 08's reconnecting client, extended for the relay: it remembers the last position (epoch,
// offset) it saw of every stream it subscribed to, sends it again after every reconnect (to
// whichever instance it reached), and drops anything it has already seen. It wraps the client
// instead of changing it: everything arrives through the client's `frame` event.
import type { ChatClient } from '../../solutions/08-websocket-client/chat-client.ts';
import { Emitter } from '../../solutions/08-websocket-client/emitter.ts';
import type { Position, ServerMessage } from '../../solutions/07-websocket-server/protocol.ts';
import { compareOffsets } from './streams.ts';

type Relayed = Extract<ServerMessage, { type: 'message' | 'dm' | 'event' }>;

export interface ResumingClientEvents {
  /** A message of a subscribed stream, each exactly once, in stream order. */
  delivery: { stream: string; message: Relayed; pos: Position };
  /** The stream is live again; `replayed` messages came first. */
  subscribed: { stream: string; replayed: number };
  /** History before `offset` may be missing: reload the stream's state from the source of truth (PostgreSQL). */
  resync: { stream: string; reason: string; epoch: string; offset: string };
  /** The server refused the stream (`forbidden`); the client stops asking for it. */
  refused: { stream: string; code: string };
}

const REQUEST = 'sub:'; // the request id of a subscribe names its stream, so an error can be matched to it

export class ResumingClient extends Emitter<ResumingClientEvents> {
  /** stream -> the last position seen (null: subscribed, nothing seen yet). */
  private readonly positions = new Map<string, Position | null>();
  private readonly offs: Array<() => void>;

  constructor(private readonly client: ChatClient) {
    super();
    this.offs = [client.on('open', () => this.resubscribeAll()), client.on('frame', (message) => this.onFrame(message))];
  }

  /** Subscribes now (when connected) and after every reconnect, from the last position seen. */
  subscribe(stream: string): void {
    if (!this.positions.has(stream)) this.positions.set(stream, null);
    if (this.client.state === 'open') this.request(stream);
  }

  unsubscribe(stream: string): void {
    this.positions.delete(stream);
    this.client.send({ type: 'unsubscribe', stream });
  }

  /** The last position seen of `stream`, or null. */
  position(stream: string): Position | null {
    return this.positions.get(stream) ?? null;
  }

  /** Stops listening to the client (the client itself stays open: its owner closes it). */
  detach(): void {
    for (const off of this.offs) off();
  }

  // #region resubscribe
  private resubscribeAll(): void {
    for (const stream of this.positions.keys()) this.request(stream);
  }

  private request(stream: string): void {
  // TODO: send { type: 'subscribe', stream, epoch, offset, id: `${REQUEST}${stream}` } with the last position seen
  // (no epoch/offset when nothing was seen yet).
  throw new Error('Not implemented yet: ResumingClient.request (labs/10-pubsub-scaling/resuming-client.ts)');
}
  // #endregion resubscribe

  // #region on-frame
  private onFrame(message: ServerMessage): void {
  // TODO: message/dm/event with a `pos` of a subscribed stream: drop it when the epoch is the same and the offset is
  // not after the last seen (a duplicate); else remember pos and emit 'delivery'.
  // TODO: 'subscribed' with epoch and offset: remember them; emit 'subscribed'.
  // TODO: 'resync': remember { epoch, offset }; emit 'resync' (the app reloads from PostgreSQL).
  // TODO: 'error' whose id is `sub:<stream>`: bad_offset/foreign_epoch -> forget the position, emit 'resync', subscribe again;
  // forbidden -> forget the stream, emit 'refused'.
  // Trap: compare offsets with compareOffsets, never as strings.
  throw new Error('Not implemented yet: ResumingClient.onFrame (labs/10-pubsub-scaling/resuming-client.ts)');
}
  // #endregion on-frame
}
