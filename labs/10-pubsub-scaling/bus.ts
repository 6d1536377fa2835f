// What lab 10's two ways of joining instances have in common: plain pub/sub (fanout.ts) and the
// lossless relay (relay.ts) both carry a stream's messages to the local sockets that subscribed to
// it, whichever instance published them. node.ts wires either one to lab 07's ChatServer.
import type { ClientPosition } from './streams.ts';
import type { ServerMessage } from '../../solutions/07-websocket-server/protocol.ts';

/** A message a stream carries: a room message, a direct message or an application event. */
export type StreamMessage = Extract<ServerMessage, { type: 'message' | 'dm' | 'event' }>;

/** Sends an encoded frame to one local socket; false when that socket is gone (lab 07's `ChatServer.sendTo`). */
export type Deliver = (connectionId: string, frame: Buffer) => boolean;

/** Where a published message landed: the relay knows (epoch, offset); plain pub/sub does not. */
export interface Published {
  epoch?: string;
  offset?: string;
}

export interface StreamBus {
  /**
   * Sends `message` to every socket subscribed to `stream`, on every instance, except the socket
   * `exceptConnectionId` (a `say` with `excludeSelf`). Rejects when Redis does not take it.
   */
  publish(stream: string, message: StreamMessage, exceptConnectionId?: string): Promise<Published>;
  /**
   * Starts delivering `stream` to one local socket and answers it (`subscribed`, or an `error` with
   * a code); with `from`, first what the socket missed, when the bus can. Never rejects: failures
   * are answered to the socket.
   */
  subscribe(connectionId: string, stream: string, from?: ClientPosition, requestId?: string): Promise<void>;
  /** Stops delivering `stream` to that socket. Idempotent. */
  unsubscribe(connectionId: string, stream: string): Promise<void>;
  /** The socket closed: forget every subscription it had. */
  dropConnection(connectionId: string): void;
  /** Redis channels this instance is subscribed to right now (one per stream with local subscribers). */
  channels(): string[];
  /** Unsubscribes from everything. The Redis clients belong to the caller. Idempotent. */
  close(): Promise<void>;
}

/** Runs async steps one after another per key: a stream's deliveries, replays and (un)subscriptions never interleave. */
export class SerialQueues {
  private readonly tails = new Map<string, Promise<void>>();

  run<T>(key: string, step: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(step);
    const tail = result.then(
      () => {},
      () => {},
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key); // nothing queued behind it
    });
    return result;
  }

  /** Resolves when every queued step has finished. */
  async idle(): Promise<void> {
    while (this.tails.size > 0) await Promise.all(this.tails.values());
  }
}
