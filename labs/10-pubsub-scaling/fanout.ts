// Plain pub/sub across instances: one Redis channel per stream, subscribed by an instance while at
// least one of its sockets wants that stream. Exact delivery (a room message reaches the sockets in
// that room, once, on whichever instance they are) and cheap, but fire-and-forget: a message
// published while an instance's subscriber connection is down, or while Redis restarts, is gone.
// relay.ts fixes that; this file is the baseline the tests and the benchmark compare it with.
import type { RedisClientType } from 'redis';
import { encode, ErrorCode } from '../../solutions/07-websocket-server/protocol.ts';
import { SerialQueues, type Deliver, type Published, type StreamBus, type StreamMessage } from './bus.ts';
import { Interest } from './interest.ts';
import { streamKeys, type ClientPosition } from './streams.ts';

export interface FanoutOptions {
  /** Publishes. The caller connects and closes it. */
  redis: Pick<RedisClientType, 'publish'>;
  /** A separate connection for SUBSCRIBE. The caller owns it. */
  subscriber: Pick<RedisClientType, 'subscribe' | 'unsubscribe' | 'isReady'>;
  prefix: string;
  deliver: Deliver;
  /** @default nothing */
  onError?: (error: unknown, where: string) => void;
}

export class PubSubFanout implements StreamBus {
  private readonly options: FanoutOptions;
  private readonly interest = new Interest();
  /** stream -> the listener subscribed for it (kept to unsubscribe exactly that one). */
  private readonly listeners = new Map<string, (raw: string) => void>();
  private readonly queues = new SerialQueues();
  private closed: Promise<void> | undefined;

  constructor(options: FanoutOptions) {
    this.options = options;
  }

  // #region fanout
  async publish(stream: string, message: StreamMessage, exceptConnectionId = ''): Promise<Published> {
  // TODO: PUBLISH JSON.stringify([exceptConnectionId, message]) on streamKeys(prefix, stream).fanoutChannel; return {}.
  // (Plain pub/sub has no position to report: the message is not stored anywhere.)
  throw new Error('Not implemented yet: PubSubFanout.publish (labs/10-pubsub-scaling/fanout.ts)');
}

  subscribe(connectionId: string, stream: string, _from?: ClientPosition, requestId?: string): Promise<void> {
  // TODO: in this.queues.run(stream, ...): if no listener is subscribed for the stream yet, SUBSCRIBE its
  // fanoutChannel with a new listener (=> this.onMessage(stream, raw)) and keep it in this.listeners.
  // TODO: then this.interest.add(stream, connectionId) and deliver { type: 'subscribed', stream, replayed: 0, ...id }.
  // TODO: on failure: deliver an error with ErrorCode.UNAVAILABLE (and the id) and release(stream); never reject.
  // Trap: answer `subscribed` only after Redis acknowledged the SUBSCRIBE: before that, messages are missed.
  throw new Error('Not implemented yet: PubSubFanout.subscribe (labs/10-pubsub-scaling/fanout.ts)');
}

  private onMessage(stream: string, raw: string): void {
  // TODO: parse [except, message]; encode the message ONCE; deliver it to every local holder of the stream
  // except the connection `except`.
  throw new Error('Not implemented yet: PubSubFanout.onMessage (labs/10-pubsub-scaling/fanout.ts)');
}
  // #endregion fanout

  unsubscribe(connectionId: string, stream: string): Promise<void> {
    this.interest.remove(stream, connectionId);
    return this.release(stream);
  }

  dropConnection(connectionId: string): void {
    for (const stream of this.interest.removeHolder(connectionId)) void this.release(stream);
  }

  // #region release
  /** Unsubscribes the channel once no local socket wants the stream (checked again in turn: one may have come back). */
  private release(stream: string): Promise<void> {
  // TODO: in this.queues.run(stream, ...): if a listener is subscribed and the stream has no local holder,
  // forget the listener and UNSUBSCRIBE that very listener from the channel.
  // Trap: check holders again inside the queued step: a socket may have subscribed meanwhile.
  throw new Error('Not implemented yet: PubSubFanout.release (labs/10-pubsub-scaling/fanout.ts)');
}
  // #endregion release

  channels(): string[] {
    return [...this.listeners.keys()].map((stream) => streamKeys(this.options.prefix, stream).fanoutChannel);
  }

  close(): Promise<void> {
    this.closed ??= (async () => {
      const channels = this.channels();
      this.listeners.clear();
      if (channels.length > 0 && this.options.subscriber.isReady) {
        await this.options.subscriber.unsubscribe(channels).catch((error: unknown) => this.options.onError?.(error, 'close'));
      }
    })();
    return this.closed;
  }
}
