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
  // #region read-bearer
  const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/i.exec(header?.trim() ?? '');
  return match ? match[1]! : null;
  // #endregion read-bearer
}

/** The path of a request URL without its query string (safe to log). */
export function pathOf(url: string | undefined): string {
  return new URL(url ?? '/', 'http://localhost').pathname;
}

// #region is-upgrade
/**
 * True if `ws` would accept this upgrade (RFC 6455 section 4.2.1): GET, `Upgrade: websocket`,
 * `Sec-WebSocket-Version: 13` (or 8) and a `Sec-WebSocket-Key` of 16 bytes in base64.
 * Check it before redeeming a ticket: otherwise `ws` refuses the request with 400 after the
 * single-use ticket is already gone.
 */
export function isWebSocketUpgrade(req: UpgradeRequest): boolean {
  const key = req.headers['sec-websocket-key'];
  const version = req.headers['sec-websocket-version'];
  return (
    req.method === 'GET' &&
    req.headers.upgrade?.toLowerCase() === 'websocket' &&
    (version === '13' || version === '8') &&
    typeof key === 'string' &&
    /^[+/0-9A-Za-z]{22}==$/.test(key.trim())
  );
}
// #endregion is-upgrade

// #region read-credential
/**
 * The credential of an upgrade request: the Bearer header first, then a `ticket` query parameter.
 * A session token in the URL (`?token=`) is deliberately NOT read: URLs end up in access logs,
 * proxy logs and browser history, and a session token lives for days.
 */
export function readCredential(req: UpgradeRequest): Credential | null {
  const token = readBearer(req.headers.authorization);
  if (token) return { kind: 'bearer', token };
  const ticket = new URL(req.url ?? '/', 'http://localhost').searchParams.get('ticket');
  return ticket ? { kind: 'ticket', ticket } : null;
}
// #endregion read-credential

// #region origin
/**
 * Browsers always send `Origin` on a WebSocket handshake and do NOT apply CORS to it, so without
 * this check any web page could open a socket with the user's cookies or tickets.
 * No `Origin` header means a non-browser client: allowed here (it still has to authenticate).
 */
export function isOriginAllowed(origin: string | undefined, allowed: readonly string[]): boolean {
  if (origin === undefined) return true;
  return allowed.includes(origin);
}
// #endregion origin
