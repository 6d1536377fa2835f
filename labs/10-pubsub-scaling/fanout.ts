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
    await this.options.redis.publish(streamKeys(this.options.prefix, stream).fanoutChannel, JSON.stringify([exceptConnectionId, message]));
    return {};
  }

  subscribe(connectionId: string, stream: string, _from?: ClientPosition, requestId?: string): Promise<void> {
    const id = requestId === undefined ? {} : { id: requestId };
    // Plain pub/sub has no history: a position cannot be honoured, the socket just goes live.
    return this.queues
      .run(stream, async () => {
        if (!this.listeners.has(stream)) {
          const listener = (raw: string) => this.onMessage(stream, raw);
          await this.options.subscriber.subscribe(streamKeys(this.options.prefix, stream).fanoutChannel, listener);
          this.listeners.set(stream, listener);
        }
        this.interest.add(stream, connectionId);
        this.options.deliver(connectionId, Buffer.from(encode({ type: 'subscribed', stream, replayed: 0, ...id })));
      })
      .catch((error: unknown) => {
        this.options.onError?.(error, 'subscribe');
        this.options.deliver(connectionId, Buffer.from(encode({ type: 'error', code: ErrorCode.UNAVAILABLE, message: 'could not subscribe: try again', ...id })));
        this.release(stream);
      });
  }

  private onMessage(stream: string, raw: string): void {
    const [except, message] = JSON.parse(raw) as [string, StreamMessage];
    const frame = Buffer.from(encode(message)); // encoded once for every local socket
    for (const connectionId of this.interest.holders(stream)) {
      if (connectionId !== except) this.options.deliver(connectionId, frame);
    }
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
    return this.queues
      .run(stream, async () => {
        const listener = this.listeners.get(stream);
        if (!listener || this.interest.holders(stream).size > 0) return;
        this.listeners.delete(stream);
        await this.options.subscriber.unsubscribe(streamKeys(this.options.prefix, stream).fanoutChannel, listener);
      })
      .catch((error: unknown) => this.options.onError?.(error, 'unsubscribe'));
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
