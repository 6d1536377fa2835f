// Every key and SCAN pattern this lab uses is built here, by small pure functions, under one
// namespace. Keys are read like paths: `<namespace>video:42:tags`.
import { InvalidKeyPartError, InvalidNamespaceError } from './errors.ts';

export type KeyPart = string | number;

/**
 * Escapes the characters SCAN's MATCH treats as a glob (`* ? [ ] \`), so a literal piece of text
 * (a namespace, a queue name) matches only itself.
 */
export function escapeGlob(text: string): string {
  // TODO: put a backslash in front of every * ? [ ] and \ (one `replace` with a character class; `$&` is the match)
  return text;
}

function checkPart(part: KeyPart): string {
  if (typeof part === 'number' ? !Number.isFinite(part) : part.length === 0) throw new InvalidKeyPartError(part);
  return String(part);
}

export function keyspace(namespace: string) {
  // TODO: throw new InvalidNamespaceError(namespace) unless it is non-empty and ends with ':'

  const key = (...parts: KeyPart[]): string => {
    // TODO: return the namespace followed by the parts, each passed through checkPart, joined with ':'
    throw new Error(`TODO: key(${parts.join(', ')}) in keys.ts`);
  };
  const pattern = (...parts: KeyPart[]): string => {
    // TODO: like key(), but escape the namespace and every part with escapeGlob
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
      // TODO: if processingKey starts with key('queue', queue, 'processing') + ':' and has more after it, return the rest
      // TODO: otherwise return null
      throw new Error(`TODO: consumerOf(${queue}, ${processingKey}) in keys.ts`);
    },
    /**
     * A MATCH pattern inside this namespace. The namespace is escaped; `glob` is used as written,
     * so `match('video:*')` finds every key that starts with `<namespace>video:`.
     */
    match: (glob: string): string => {
      // TODO: return the escaped namespace followed by glob
      throw new Error(`TODO: match(${glob}) in keys.ts`);
    },
  } as const;
}

export type Keyspace = ReturnType<typeof keyspace>;
