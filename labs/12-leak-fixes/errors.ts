// One class per failure a chat client can cause. Each carries the lab 07 `ErrorCode` the server
// puts in its `error` reply, so a client can react without parsing English.
import { ErrorCode } from './protocol.ts';

export class NotInRoomError extends Error {
  readonly code = ErrorCode.NOT_IN_ROOM;
  constructor(readonly room: string) {
    super(`You have not joined room "${room}"`);
    this.name = 'NotInRoomError';
  }
}

/** No connection with that number on this server (it left, or never was). */
export class UnknownClientError extends Error {
  readonly code = ErrorCode.USER_OFFLINE;
  constructor(readonly clientId: number) {
    super(`No client ${clientId} is connected to this server`);
    this.name = 'UnknownClientError';
  }
}

/** Redis did not take the message in time: it was not delivered, and the sender is told so. */
export class ChannelUnavailableError extends Error {
  readonly code = ErrorCode.UNAVAILABLE;
  constructor(options?: ErrorOptions) {
    super('The message could not be delivered right now: try again', options);
    this.name = 'ChannelUnavailableError';
  }
}

export type ChatError = NotInRoomError | UnknownClientError | ChannelUnavailableError;
export type ChatErrorCode = ChatError['code'];
