// Ways to open an authenticated socket, one per environment. Each is a `connect` option for
// ChatClient: it runs again before every reconnect, so credentials are always fresh.
import type { WebSocketLike } from './socket.ts';
/** Node (or any server): the session token goes in an Authorization header. */
export function bearerConnector(
  wsUrl: string,
  token: () => string,
  WebSocketImpl: new (url: string, options: { headers: Record<string, string> }) => WebSocketLike,
): () => WebSocketLike {
  // TODO: a connector that opens the socket with the token in an Authorization header (Node's ws
  //       can send headers; a browser can't). Trap: ask token() on every connect, not once: after a
  //       refresh, a reconnect must send the current token.
  throw new Error('Not implemented yet: bearerConnector (labs/08-websocket-client/connectors.ts)');
}

/**
 * Browser: a WebSocket cannot carry headers, so first trade the token for a single-use ticket
 * over HTTP (POST /ws-ticket), then put the ticket, never the token, in the URL.
 */
export function ticketConnector(options: {
  httpUrl: string;
  wsUrl: string;
  token: () => string;
  WebSocketImpl: new (url: string) => WebSocketLike;
  fetch?: typeof fetch;
}): () => Promise<WebSocketLike> {
  const doFetch = options.fetch ?? fetch;
  return async () => {
    // TODO: for a browser, which can't set headers on a WebSocket: exchange the token for a
    //       single-use ticket over HTTP (POST /ws-ticket, answered with 201 and { ticket }), then
    //       open the socket with the ticket in the URL. Any other answer throws: the client counts
    //       it as a failed attempt and backs off. Trap: the ticket goes in a URL: encode it.
    throw new Error('Not implemented yet: ticketConnector (labs/08-websocket-client/connectors.ts)');
  };
}
