// Ways to open an authenticated socket, one per environment. Each is a `connect` option for
// ChatClient: it runs again before every reconnect, so credentials are always fresh.
import type { WebSocketLike } from './socket.ts';

// #region connectors
/** Node (or any server): the session token goes in an Authorization header. */
export function bearerConnector(
  wsUrl: string,
  token: () => string,
  WebSocketImpl: new (url: string, options: { headers: Record<string, string> }) => WebSocketLike,
): () => WebSocketLike {
  return () => new WebSocketImpl(wsUrl, { headers: { authorization: `Bearer ${token()}` } });
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
    const res = await doFetch(`${options.httpUrl}/ws-ticket`, {
      method: 'POST',
      headers: { authorization: `Bearer ${options.token()}` },
    });
    if (res.status !== 201) throw new Error(`POST /ws-ticket answered ${res.status}`);
    const { ticket } = (await res.json()) as { ticket: string };
    return new options.WebSocketImpl(`${options.wsUrl}?ticket=${encodeURIComponent(ticket)}`);
  };
}
// #endregion connectors
