// Every key and SCAN pattern this lab uses is built here, by small pure functions, under one
// namespace. Keys are read like paths: `<namespace>video:42:tags`.
import { InvalidKeyPartError, InvalidNamespaceError } from './errors.ts';

export type KeyPart = string | number;

/**
 * Escapes the characters SCAN's MATCH treats as a glob (`* ? [ ] \`), so a literal piece of text
 * (a namespace, a queue name) matches only itself.
 */
export function escapeGlob(text: string): string {
  // TODO: the text with every character a MATCH glob treats specially (* ? [ ] and the backslash
  //       itself) made literal, so a user's "*" matches only a "*".
  return text;
}

function checkPart(part: KeyPart): string {
  if (typeof part === 'number' ? !Number.isFinite(part) : part.length === 0) throw new InvalidKeyPartError(part);
  return String(part);
}

export function keyspace(namespace: string) {
  // TODO: refuse a namespace that could run into another one's keys (InvalidNamespaceError): it
  //       must not be empty and must end with the separator.

  const key = (...parts: KeyPart[]): string => {
    // TODO: the namespace, then the parts (each checked by checkPart), separated like the namespace is.
    throw new Error(`TODO: key(${parts.join(', ')}) in keys.ts`);
  };
  const pattern = (...parts: KeyPart[]): string => {
    // TODO: the MATCH pattern that finds exactly key(...parts). Trap: a part (or the namespace)
    //       holding a glob character would match other keys too.
    throw new Error(`TODO: pattern(${parts.join(', ')}) in keys.ts`);
  };

  return {
    namespace,
    /** A string: session token -> user id, with a TTL. */
    session: (token: string) => key('session', token),
    /** A JSON string: a video's metadata. */
    video: (videoId: number) => key('video', videoId),
    /** A hash: a video's counters (`views`, `likes`). */
    videoStats: (videoId: number) => key('video', videoId, 'stats'),
    /** A set: a video's tags. */
    videoTags: (videoId: number) => key('video', videoId, 'tags'),
    /** A sorted set: one leaderboard. */
    leaderboard: (board: string) => key('leaderboard', board),
    /** A list: jobs waiting in a queue. */
    queue: (queue: string) => key('queue', queue),
    /** A list: the jobs one consumer has taken and not acknowledged yet. */
    processing: (queue: string, consumer: string) => key('queue', queue, 'processing', consumer),
    /** A string with a TTL: present while the consumer is alive. */
    consumerLease: (queue: string, consumer: string) => key('queue', queue, 'lease', consumer),
    /** MATCH pattern for every processing list of a queue. */
    processingPattern: (queue: string) => `${pattern('queue', queue, 'processing')}:*`,
    /** The consumer a processing-list key belongs to, or null if the key is not one. */
    consumerOf(queue: string, processingKey: string): string | null {
      // TODO: the consumer id a processing-list key of this queue ends with, or null when the key is
      //       not one of this queue's processing lists (another queue, or nothing after the prefix).
      throw new Error(`TODO: consumerOf(${queue}, ${processingKey}) in keys.ts`);
    },
    /**
     * A MATCH pattern inside this namespace. The namespace is escaped; `glob` is used as written,
     * so `match('video:*')` finds every key that starts with `<namespace>video:`.
     */
    match: (glob: string): string => {
      // TODO: a pattern that stays inside this namespace, with `glob` used as written.
      throw new Error(`TODO: match(${glob}) in keys.ts`);
    },
  } as const;
}

export type Keyspace = ReturnType<typeof keyspace>;
