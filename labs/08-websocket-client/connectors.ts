// Ways to open an authenticated socket, one per environment. Each is a `connect` option for
// ChatClient: it runs again before every reconnect, so credentials are always fresh.
import type { WebSocketLike } from './socket.ts';
/** Node (or any server): the session token goes in an Authorization header. */
export function bearerConnector(
  wsUrl: string,
  token: () => string,
  WebSocketImpl: new (url: string, options: { headers: Record<string, string> }) => WebSocketLike,
): () => WebSocketLike {
  // TODO: return a function that opens new WebSocketImpl(wsUrl, { headers: { authorization: `Bearer ${token()}` } }).
  //       Call token() inside it, so every reconnect sends the current token.
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
    // TODO: POST `${options.httpUrl}/ws-ticket` with doFetch and an `authorization: Bearer <options.token()>` header.
    // TODO: any status but 201 -> throw (the client counts it as a failed attempt and backs off).
    // TODO: read { ticket } from the JSON body and open new options.WebSocketImpl(`${wsUrl}?ticket=${encodeURIComponent(ticket)}`).
    throw new Error('Not implemented yet: ticketConnector (labs/08-websocket-client/connectors.ts)');
  };
}
