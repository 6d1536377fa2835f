// Pure checks on the HTTP upgrade request, before any socket exists. No I/O here:
// chat-server.ts calls these from its `upgrade` handler and answers 401/403 itself.
import type { IncomingHttpHeaders } from 'node:http';

/** What a client proved who it is with. */
export type Credential =
  /** A session token in `Authorization: Bearer ...` (Node clients, other servers). */
  | { kind: 'bearer'; token: string }
  /** A short-lived single-use ticket in `?ticket=...` (browsers cannot set headers on a WebSocket). */
  | { kind: 'ticket'; ticket: string };

/** The part of an `IncomingMessage` these functions read. */
export interface UpgradeRequest {
  method?: string | undefined;
  url?: string | undefined;
  headers: IncomingHttpHeaders;
}

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function readBearer(header: string | undefined): string | null {
  // TODO: the token of a `Bearer <token>` header (the scheme in any case, the token made of
  //       URL-safe/base64 characters), or null for anything else: no header, another scheme, or
  //       the scheme with no token.
  throw new Error('Not implemented yet: readBearer (labs/07-websocket-server/handshake.ts)');
}

/** The path of a request URL without its query string (safe to log). */
export function pathOf(url: string | undefined): string {
  return new URL(url ?? '/', 'http://localhost').pathname;
}

/**
 * True if `ws` would accept this upgrade (RFC 6455 section 4.2.1): GET, `Upgrade: websocket`,
 * `Sec-WebSocket-Version: 13` (or 8) and a `Sec-WebSocket-Key` of 16 bytes in base64.
 * Check it before redeeming a ticket: otherwise `ws` refuses the request with 400 after the
 * single-use ticket is already gone.
 */
export function isWebSocketUpgrade(req: UpgradeRequest): boolean {
  // TODO: true only if all hold: req.method is 'GET'; req.headers.upgrade is 'websocket' (any case);
  //       req.headers['sec-websocket-version'] is '13' or '8'; req.headers['sec-websocket-key'] is a
  //       string of 22 base64 characters followed by '==' (16 bytes, what ws checks).
  throw new Error('Not implemented yet: isWebSocketUpgrade (labs/07-websocket-server/handshake.ts)');
}

/**
 * The credential of an upgrade request: the Bearer header first, then a `ticket` query parameter.
 * A session token in the URL (`?token=`) is deliberately NOT read: URLs end up in access logs,
 * proxy logs and browser history, and a session token lives for days.
 */
export function readCredential(req: UpgradeRequest): Credential | null {
  // TODO: the credential the client sent: a Bearer token in the Authorization header first, else
  //       a single-use ticket from the `ticket` query parameter, else null. Trap: never accept a
  //       session token in the URL (`?token=`): URLs end up in logs and browser history.
  throw new Error('Not implemented yet: readCredential (labs/07-websocket-server/handshake.ts)');
}

/**
 * Browsers always send `Origin` on a WebSocket handshake and do NOT apply CORS to it, so without
 * this check any web page could open a socket with the user's cookies or tickets.
 * No `Origin` header means a non-browser client: allowed here (it still has to authenticate).
 */
export function isOriginAllowed(origin: string | undefined, allowed: readonly string[]): boolean {
  // TODO: no Origin header -> true; otherwise true only if `allowed` includes it.
  throw new Error('Not implemented yet: isOriginAllowed (labs/07-websocket-server/handshake.ts)');
}
