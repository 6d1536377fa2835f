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
    const at = this.positions.get(stream);
    this.client.send({ type: 'subscribe', stream, ...(at ? { epoch: at.epoch, offset: at.offset } : {}), id: `${REQUEST}${stream}` });
  }
  // #endregion resubscribe

  // #region on-frame
  private onFrame(message: ServerMessage): void {
    switch (message.type) {
      case 'message':
      case 'dm':
      case 'event': {
        const pos = message.pos;
        if (!pos || !this.positions.has(pos.stream)) return;
        const seen = this.positions.get(pos.stream);
        // The same epoch and not after what we have: a duplicate (a replay racing a reconnect).
        if (seen && seen.epoch === pos.epoch && compareOffsets(pos.offset, seen.offset) <= 0) return;
        this.positions.set(pos.stream, pos);
        return this.emit('delivery', { stream: pos.stream, message, pos });
      }
      case 'subscribed':
        if (!this.positions.has(message.stream)) return;
        if (message.epoch !== undefined && message.offset !== undefined) {
          this.positions.set(message.stream, { stream: message.stream, epoch: message.epoch, offset: message.offset });
        }
        return this.emit('subscribed', { stream: message.stream, replayed: message.replayed });
      case 'resync':
        if (!this.positions.has(message.stream)) return;
        this.positions.set(message.stream, { stream: message.stream, epoch: message.epoch, offset: message.offset });
        return this.emit('resync', { stream: message.stream, reason: message.reason, epoch: message.epoch, offset: message.offset });
      case 'error': {
        const stream = message.id?.startsWith(REQUEST) ? message.id.slice(REQUEST.length) : undefined;
        if (stream === undefined || !this.positions.has(stream)) return;
        if (message.code === 'bad_offset' || message.code === 'foreign_epoch') {
          // Our position is worthless here: start live from now and tell the app to reload.
          this.positions.set(stream, null);
          this.emit('resync', { stream, reason: message.code, epoch: '', offset: '' });
          return this.request(stream);
        }
        if (message.code === 'forbidden') {
          this.positions.delete(stream);
          return this.emit('refused', { stream, code: message.code });
        }
        return;
      }
      default:
        return;
    }
  }
  // #endregion on-frame
}
