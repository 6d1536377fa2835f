// How progress reaches the owner's sockets today: the app is a client of its own chat server.
//
//   SimulatedJobRunner ─notify()─▶ ChatNotifier ─dm(owner, json)─▶ lab 07 ChatServer ─▶ every tab of the owner
//
// Lab 07's server has no API for pushing from the server side, but its `dm` is exactly "every
// socket of one user", and it stamps the sender's id on the message. So the notifier logs in as a
// system user (one row in `users` that no password opens) with lab 08's reconnecting client, and
// the dashboard trusts a dm only from that user's id. Lab 10 replaces this with Redis pub/sub.
//
// One socket carries everyone's progress, and the chat server rate-limits every socket, so the
// notifier paces itself below that limit: per job only the newest update waits to be sent
// (intermediate percentages merge), and a job's final update is never dropped.
import WebSocket from 'ws';
import { createSession } from '../04-prisma-queries/index.ts';
import { ErrorCode, TokenBucket, type Logger, type TokenBucketOptions } from '../07-websocket-server/index.ts';
import { bearerConnector, ChatClient, ClientState } from '../08-websocket-client/index.ts';
import type { PrismaClient } from '../../tools/db/prisma.ts';
import type { ProgressNotifier } from './job-runner.ts';
import { encodeNotification, type JobProgressNotification } from './notifications.ts';

/** The system user the notifier connects as. `!` is no `scrypt$…` record: no password logs in as it. */
export const NOTIFIER_USER = { email: 'notifier@video-editor.internal', name: 'Job notifier', passwordHash: '!' } as const;

const DAY_MS = 24 * 60 * 60 * 1000;

export interface ChatNotifierOptions {
  prisma: PrismaClient;
  /** The chat server's WebSocket URL (the internal one; the notifier sends a Bearer token). */
  wsUrl: string;
  logger: Logger;
  /** Sends per second and burst; keep it under the chat server's per-socket limit. @default { capacity: 10, refillPerSecond: 8 } */
  pace?: TokenBucketOptions;
  /** Lifetime of the notifier's session; a new one is made when it runs out. @default 30 days */
  sessionTtlMs?: number;
  /** Give up starting if the first connection takes longer. @default 5000 */
  connectTimeoutMs?: number;
}

export interface NotifierStats {
  /** dm frames handed to the socket. */
  sent: number;
  /** Updates replaced by a newer one for the same job before they were sent. */
  merged: number;
}

export async function startChatNotifier(options: ChatNotifierOptions): Promise<ChatNotifier> {
  const { id } = await options.prisma.user.upsert({
    where: { email: NOTIFIER_USER.email },
    update: {},
    create: { ...NOTIFIER_USER },
    select: { id: true },
  });
  const notifier = new ChatNotifier(id, options);
  try {
    await notifier.connect();
  } catch (error) {
    await notifier.close();
    throw error;
  }
  return notifier;
}

interface Pending {
  ownerId: number;
  notification: JobProgressNotification;
}

export class ChatNotifier implements ProgressNotifier {
  readonly #options: Required<Pick<ChatNotifierOptions, 'sessionTtlMs' | 'connectTimeoutMs'>> & ChatNotifierOptions;
  readonly #bucket: TokenBucket;
  readonly #retryMs: number;
  /** The newest update per job, oldest job first (a Map keeps insertion order). */
  readonly #pending = new Map<number, Pending>();
  readonly #stats: NotifierStats = { sent: 0, merged: 0 };
  #client: ChatClient | undefined;
  #token: string | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(
    /** The system user's id: the `from` of every notification dm. */
    readonly userId: number,
    options: ChatNotifierOptions,
  ) {
    this.#options = { sessionTtlMs: 30 * DAY_MS, connectTimeoutMs: 5000, ...options };
    const pace = options.pace ?? { capacity: 10, refillPerSecond: 8 };
    this.#bucket = new TokenBucket(pace, performance.now());
    this.#retryMs = Math.ceil(1000 / pace.refillPerSecond);
  }

  // #region connect
  /** Opens the socket (resolves on the server's welcome). Called again if the session runs out. */
  async connect(): Promise<void> {
    this.#token = await this.#session();
    const client = new ChatClient({ connect: bearerConnector(this.#options.wsUrl, () => this.#token!, WebSocket) });
    this.#client = client;
    client.on('open', () => this.#flush());
    client.on('error', ({ code }) => {
      // user_offline: the owner has no tab open right now. The job's state is in PostgreSQL anyway.
      if (code !== ErrorCode.USER_OFFLINE) this.#options.logger.warn('notifier.error_reply', { code });
    });
    client.on('giveup', ({ code }) => {
      // 4001 (session expired) is final for the client: log in again with a new session.
      if (this.#closed || this.#client !== client) return;
      this.#options.logger.warn('notifier.reconnecting_with_new_session', { code });
      this.connect().catch((error: unknown) => this.#options.logger.warn('notifier.reconnect_failed', { error: String(error) }));
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the notifier could not connect to ${this.#options.wsUrl} within ${this.#options.connectTimeoutMs} ms`)), this.#options.connectTimeoutMs);
    });
    try {
      await Promise.race([client.start(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** A session with at least a day left: the newest one, or a new one. Restarts reuse it. */
  async #session(): Promise<string> {
    const { prisma, sessionTtlMs } = this.#options;
    const existing = await prisma.session.findFirst({
      where: { userId: this.userId, expiresAt: { gt: new Date(Date.now() + DAY_MS) } },
      orderBy: { expiresAt: 'desc' },
      select: { token: true },
    });
    return existing?.token ?? (await createSession(prisma, this.userId, sessionTtlMs)).token;
  }
  // #endregion connect

  // #region notify
  notify(ownerId: number, notification: JobProgressNotification): void {
    if (this.#closed) return;
    if (this.#pending.has(notification.jobId)) this.#stats.merged += 1;
    this.#pending.set(notification.jobId, { ownerId, notification });
    this.#flush();
  }

  #flush(): void {
    if (this.#timer !== undefined || this.#closed) return; // a paced flush is already scheduled
    while (this.#pending.size > 0) {
      // Offline: keep the newest update per job; the 'open' handler flushes after the reconnect.
      if (this.#client?.state !== ClientState.OPEN) return;
      if (!this.#bucket.take(performance.now())) {
        this.#timer = setTimeout(() => {
          this.#timer = undefined;
          this.#flush();
        }, this.#retryMs);
        return;
      }
      const [jobId, { ownerId, notification }] = this.#pending.entries().next().value!;
      this.#pending.delete(jobId);
      this.#client.dm(ownerId, encodeNotification(notification));
      this.#stats.sent += 1;
    }
  }
  // #endregion notify

  stats(): NotifierStats {
    return { ...this.#stats };
  }

  /** Drops what was not sent, clears the pacing timer, closes the socket (1000). Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending.clear();
    this.#client?.close();
  }
}
