// What to do with one outgoing message, given how much is already queued for that socket.
// Pure: chat-server.ts reads `ws.bufferedAmount` and acts on the decision.

export interface BackpressureLimits {
  /** Above this many queued bytes, non-essential messages (broadcasts, other users' dms) are dropped. */
  softLimitBytes: number;
  /** An essential message that would take the queue past this is not sent; the socket is closed with 4008. */
  hardLimitBytes: number;
}

export const SendDecision = {
  SEND: 'send',
  DROP: 'drop',
  DISCONNECT: 'disconnect',
} as const;
export type SendDecision = (typeof SendDecision)[keyof typeof SendDecision];

// #region decide-send
/**
 * The policy, stated once:
 * 1. a non-essential message is dropped while more than `softLimitBytes` are queued, or when it
 *    would take the queue past `hardLimitBytes`: traffic that other users cause never disconnects
 *    anyone, or one user could close another's socket by sending to it;
 * 2. an essential message (a reply to this socket, a push from the server) that would take the
 *    queue past `hardLimitBytes` disconnects the client;
 * 3. everything else is sent.
 * So a reader that stopped costs at most `softLimitBytes` + one message of broadcasts, and at
 * most `hardLimitBytes` in total, however long it stays connected.
 */
export function decideSend(bufferedAmount: number, size: number, essential: boolean, limits: BackpressureLimits): SendDecision {
  const overHard = bufferedAmount + size > limits.hardLimitBytes;
  if (!essential) return bufferedAmount > limits.softLimitBytes || overHard ? SendDecision.DROP : SendDecision.SEND;
  if (overHard) return SendDecision.DISCONNECT;
  return SendDecision.SEND;
}
// #endregion decide-send
