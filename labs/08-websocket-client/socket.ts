// The few members of a WebSocket this client uses. Both the browser's native `WebSocket` and
// the `ws` package's `WebSocket` fit it as they are, so the client runs in both places.

/** Makes a handler property accept handlers for richer event types (DOM and ws events). */
type Handler<E> = { bivarianceHack(event: E): void }['bivarianceHack'];

export interface WebSocketLike {
  readonly readyState: number;
  onopen: Handler<unknown> | null;
  onmessage: Handler<{ data: unknown }> | null;
  onclose: Handler<{ code: number; reason: string }> | null;
  onerror: Handler<unknown> | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** `WebSocket.OPEN` etc., the same numbers in every implementation. */
export const ReadyState = { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 } as const;
