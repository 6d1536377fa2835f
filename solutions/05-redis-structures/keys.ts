// Every key and SCAN pattern this lab uses is built here, by small pure functions, under one
// namespace. Keys are read like paths: `<namespace>video:42:tags`.
import { InvalidKeyPartError, InvalidNamespaceError } from './errors.ts';

export type KeyPart = string | number;

// #region escape-glob
/**
 * Escapes the characters SCAN's MATCH treats as a glob (`* ? [ ] \`), so a literal piece of text
 * (a namespace, a queue name) matches only itself.
 */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}
// #endregion escape-glob

function checkPart(part: KeyPart): string {
  if (typeof part === 'number' ? !Number.isFinite(part) : part.length === 0) throw new InvalidKeyPartError(part);
  return String(part);
}

// #region keyspace
export function keyspace(namespace: string) {
  if (namespace.length === 0 || !namespace.endsWith(':')) throw new InvalidNamespaceError(namespace);
  const key = (...parts: KeyPart[]) => namespace + parts.map(checkPart).join(':');
  const pattern = (...parts: KeyPart[]) => escapeGlob(namespace) + parts.map((p) => escapeGlob(checkPart(p))).join(':');

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
      const head = `${key('queue', queue, 'processing')}:`;
      return processingKey.startsWith(head) && processingKey.length > head.length ? processingKey.slice(head.length) : null;
    },
    /**
     * A MATCH pattern inside this namespace. The namespace is escaped; `glob` is used as written,
     * so `match('video:*')` finds every key that starts with `<namespace>video:`.
     */
    match: (glob: string) => escapeGlob(namespace) + glob,
  } as const;
}
// #endregion keyspace

export type Keyspace = ReturnType<typeof keyspace>;
