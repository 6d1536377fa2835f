// One class per failure a chat client can cause. Each carries the machine-readable `code` the
// server puts in its `error` reply, so a client can react without parsing English.

export class BadMessageError extends Error {
  readonly code = 'BAD_MESSAGE';
  constructor(detail: string, options?: { cause?: unknown }) {
    super(`Malformed message: ${detail}`, options);
    this.name = 'BadMessageError';
  }
}

export class NotInRoomError extends Error {
  readonly code = 'NOT_IN_ROOM';
  constructor(readonly room: string) {
    super(`You have not joined room "${room}"`);
    this.name = 'NotInRoomError';
  }
}

export class UnknownClientError extends Error {
  readonly code = 'UNKNOWN_CLIENT';
  constructor(readonly clientId: string) {
    super(`No client "${clientId}" is connected to this server`);
    this.name = 'UnknownClientError';
  }
}

export type ChatError = BadMessageError | NotInRoomError | UnknownClientError;
export type ChatErrorCode = ChatError['code'];
