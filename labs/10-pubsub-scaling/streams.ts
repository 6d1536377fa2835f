// Streams, their Redis keys and channels, epochs and offsets: pure functions, no Redis here.
//
// A stream is what a client subscribes to: `room:<name>` (everyone in a room), `user:<id>` (every
// tab of one user: direct messages and the server's pushes), or `job:<id>` (the app's job progress).
// Every name is built in this file, so an instance, a test and a benchmark always agree on it.
import { createHash, randomBytes } from 'node:crypto';

export type StreamKind = 'room' | 'user' | 'job';

// #region names
export const roomStream = (room: string) => `room:${room}`;
export const userStream = (userId: number) => `user:${userId}`;
export const jobStream = (jobId: number | string) => `job:${jobId}`;

/** Splits `room:lobby` into `{ kind: 'room', id: 'lobby' }`; null for anything else. */
export function parseStream(stream: string): { kind: StreamKind; id: string } | null {
  // TODO: `room:lobby` -> { kind: 'room', id: 'lobby' }; a kind other than room, user or job, or no id -> null.
  throw new Error('Not implemented yet: parseStream (labs/10-pubsub-scaling/streams.ts)');
}

/**
 * The Redis names of one stream. `{stream}` is a hash tag: in a Redis Cluster the log, the epoch and
 * the channel of a stream land in one slot, so one script can touch all of them.
 */
export function streamKeys(prefix: string, stream: string) {
  const tag = `{${stream}}`;
  return {
    /** Plain pub/sub (fanout.ts): the channel of this stream. */
    fanoutChannel: `${prefix}fanout:${tag}`,
    /** The relay's capped history: a Redis stream (XADD). */
    log: `${prefix}relay:${tag}:log`,
    /** The relay's epoch: a string that changes whenever the history was lost. */
    epoch: `${prefix}relay:${tag}:epoch`,
    /** The relay's live channel: every entry, as it is appended. */
    live: `${prefix}relay:${tag}:live`,
  };
}

/**
 * The cluster's own channel: the id of every session one instance revoked (a logout), so that
 * every instance closes its sockets of that session (node.ts). Not a stream: no client reads it.
 */
export const revocationsChannel = (prefix: string) => `${prefix}cluster:sessions-revoked`;

/** Presence: one sorted set per room and per user; members expire by score (see presence.ts). */
export const presenceKeys = (prefix: string) => ({
  room: (room: string) => `${prefix}presence:room:${room}`,
  user: (userId: number) => `${prefix}presence:user:${userId}`,
});
// #endregion names

// #region epochs
const streamTag = (stream: string) => createHash('sha256').update(stream).digest('hex').slice(0, 8);

/**
 * A fresh epoch for `stream`: `<tag of the stream>.<random>`. The tag lets a server tell an old
 * epoch of this stream (history lost: resync) from an epoch of another stream (a client bug or a
 * forgery: refuse).
 */
export function newEpoch(stream: string): string {
  return `${streamTag(stream)}.${randomBytes(6).toString('base64url')}`;
}

/** True if `epoch` was made by `newEpoch(stream)` for this very stream (any of its lives). */
export function epochBelongsTo(epoch: string, stream: string): boolean {
  // TODO: true when `epoch` starts with this stream's tag and a dot, exactly as newEpoch() builds it.
  // Trap: an epoch of room:a must not pass for room:ab (compare the whole tag, up to the dot).
  throw new Error('Not implemented yet: epochBelongsTo (labs/10-pubsub-scaling/streams.ts)');
}
// #endregion epochs

// #region offsets
/** The position before the first entry of any stream. */
export const START = '0-0';

/** `1732990000000-3` as two bigints (ms, seq); null if it is not an entry id. */
export function parseOffset(offset: string): readonly [bigint, bigint] | null {
  // TODO: `<ms>-<seq>` (digits only) -> [BigInt(ms), BigInt(seq)]; anything else -> null.
  throw new Error('Not implemented yet: parseOffset (labs/10-pubsub-scaling/streams.ts)');
}

/**
 * Orders two entry ids: negative if a < b, 0 if equal, positive if a > b. Numerically, by ms then
 * sequence: as strings `9-0` would sort after `10-0`. Throws on something that is not an entry id.
 */
export function compareOffsets(a: string, b: string): number {
  // TODO: parse both (parseOffset); throw a TypeError naming the bad one if either is not an entry id.
  // TODO: compare the milliseconds first, then the sequence, as numbers (bigint).
  // Trap: as strings, '9-0' > '10-0'. Offsets are numbers in two parts.
  throw new Error('Not implemented yet: compareOffsets (labs/10-pubsub-scaling/streams.ts)');
}
// #endregion offsets

// #region resume
/** What a server knows about a stream when a client asks to resume it. */
export interface StreamHead {
  epoch: string;
  /** The last entry id this server has delivered live (`0-0`: none yet). */
  last: string;
  /** The oldest entry the history still holds (XINFO STREAM `recorded-first-entry-id`). */
  firstKept: string;
  /** Whether entries were ever trimmed (`entries-added` > `length`). */
  trimmed: boolean;
}

/** A client's claim: "the last thing I saw of this stream". */
export interface ClientPosition {
  epoch: string;
  offset: string;
}

export type ResumePlan =
  /** Send the entries after `from` up to the head, then go live. */
  | { kind: 'replay'; from: string }
  /** Tell the client to reload (reason), then send the entries after `from` up to the head, then go live. */
  | { kind: 'resync'; reason: 'history_lost' | 'epoch_changed'; from: string }
  /** Refuse with this error code; the subscription does not start. */
  | { kind: 'reject'; code: 'bad_offset' | 'foreign_epoch' };

/**
 * Decides how a client that resumes `stream` from `position` catches up. Pure: it never asks
 * Redis; the caller reads the head first (and checks that a claimed entry exists).
 *
 * - an epoch of another stream: reject `foreign_epoch`
 * - another epoch of this stream: the history it refers to is gone: resync from the start
 * - an offset ahead of the head: nobody handed it out: reject `bad_offset`
 * - an offset before the oldest entry kept, when entries were trimmed: some entries after it may
 *   be gone (Redis 7.0 does not record the newest trimmed id, so this errs on the safe side):
 *   resync, then what is left
 * - otherwise: replay from the offset
 */
export function planResume(stream: string, head: StreamHead, position: ClientPosition): ResumePlan {
  // TODO: the rules in the comment above, in that order: foreign epoch, other epoch of this stream,
  // offset ahead of head.last, offset before head.firstKept after trimming, else replay.
  // Trap: an older epoch of the *same* stream is not an attack (Redis restarted): resync from START.
  throw new Error('Not implemented yet: planResume (labs/10-pubsub-scaling/streams.ts)');
}
// #endregion resume
