// One class per way a handshake or a ticket request can fail. Each carries the HTTP status the
// server answers with and a machine-readable `code` (the body is `{"error": code}`).
// Messages are fixed: they never contain the credential that failed.

export abstract class HandshakeError extends Error {
  abstract readonly status: 400 | 401 | 403 | 404 | 429 | 500 | 503;
  abstract readonly code: string;
}

/**
 * Not a WebSocket upgrade `ws` would accept (GET, `Upgrade: websocket`, `Sec-WebSocket-Version: 13`,
 * a 16-byte base64 `Sec-WebSocket-Key`). Checked before the credential, so a broken request never
 * uses up a single-use ticket.
 */
export class BadUpgradeError extends HandshakeError {
  readonly status = 400;
  readonly code = 'bad_upgrade';
  constructor() {
    super('Not a valid WebSocket upgrade request.');
  }
}

export class MissingCredentialError extends HandshakeError {
  readonly status = 401;
  readonly code = 'missing_credential';
  constructor() {
    super('No credential: send "Authorization: Bearer <session token>" or "?ticket=<ticket>".');
  }
}

export class InvalidCredentialError extends HandshakeError {
  readonly status = 401;
  readonly code = 'invalid_credential';
  constructor() {
    super('Unknown session token, or a ticket that is unknown or already used.');
  }
}

export class ExpiredCredentialError extends HandshakeError {
  readonly status = 401;
  readonly code = 'expired_credential';
  constructor() {
    super('The session or ticket has expired.');
  }
}

export class ForbiddenOriginError extends HandshakeError {
  readonly status = 403;
  readonly code = 'forbidden_origin';
  constructor() {
    super('This Origin is not on the allow-list.');
  }
}

export class NotFoundError extends HandshakeError {
  readonly status = 404;
  readonly code = 'not_found';
  constructor() {
    super('No such path.');
  }
}

/** Past `maxConnectionsPerUser` (this user's open sockets) or `maxConnectionsPerIp` (sockets and handshakes from one address). */
export class TooManyConnectionsError extends HandshakeError {
  readonly status = 429;
  readonly code = 'too_many_connections';
  constructor(readonly scope: 'user' | 'ip') {
    super(scope === 'user' ? 'Too many open connections for this user.' : 'Too many connections from this address.');
  }
}

/** Redis (for tickets) or PostgreSQL (for sessions) did not answer. Retry later. */
export class AuthUnavailableError extends HandshakeError {
  readonly status = 503;
  readonly code = 'auth_unavailable';
  constructor(options?: ErrorOptions) {
    super('Cannot check credentials right now.', options);
  }
}

/** The server is closing and accepts no new connections. */
export class ShuttingDownError extends HandshakeError {
  readonly status = 503;
  readonly code = 'shutting_down';
  constructor() {
    super('The server is shutting down.');
  }
}

/** A bug on our side (anything that is not one of the errors above). Logged by name, never by message. */
export class InternalServerError extends HandshakeError {
  readonly status = 500;
  readonly code = 'internal_error';
  constructor(options?: ErrorOptions) {
    super('Something went wrong on the server.', options);
  }
}
