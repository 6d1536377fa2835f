// The HTTP API: one handler per route, each a plain async function from a request to a Reply.
// Clients are injected (deps); failures are thrown as the classes in errors.ts (or lab 07's
// HandshakeErrors for authentication) and turned into JSON by http-json.ts.
import { stat } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { z } from 'zod';
import { createSession } from '../04-prisma-queries/index.ts';
import { type UserStore, VIDEO_FIELDS, type VideoStore } from '../06-redis-caching/index.ts';
import { InvalidCredentialError, MissingCredentialError, readBearer, type ChatServer } from '../07-websocket-server/index.ts';
import { OPERATIONS, type Operation } from '../09-video-progress/index.ts';
import { videoColumnsOf } from './video-columns.ts';
import type { PrismaClient } from '../../prisma/client.ts';
import type { DashboardAssets } from './dashboard-assets.ts';
import { InvalidBodyError, InvalidIdError, InvalidLoginError, JobNotFoundError, OutputNotReadyError, ProjectNotFoundError, VideoNotFoundError } from './errors.ts';
import { json, raw, readJson, type Reply } from './http-json.ts';
import type { JobRunner } from './job-runner.ts';
import type { LoginThrottle } from './login-throttle.ts';
import { DECOY_PASSWORD_RECORD, verifyPassword } from './password.ts';
import { findOwnedJob, listJobs, listProjects, ownsProject } from './queries.ts';
import { parseId, type Route } from './router.ts';
import { receiveUpload, titleFrom } from './uploads.ts';

export interface ApiDeps {
  prisma: PrismaClient;
  /**
   * Lab 07's chat server on the app's port: its session check (Redis-cached) and its ticket
   * endpoint, so the API and the WebSocket side share one definition of each.
   */
  chat: Pick<ChatServer, 'auth' | 'ticketFor'>;
  /**
   * Logs a session out on every app instance (lab 10's ClusterNode.revokeSession): the row, its
   * cache and tickets, and its sockets wherever they are (4003). Resolves with how many sockets
   * this instance closed.
   */
  revokeSession: (token: string) => Promise<number>;
  /** Failed-login counters (Redis). */
  logins: LoginThrottle;
  /** The client's address for the login throttle (client-address.ts: the socket's peer, or X-Forwarded-For behind trusted proxies). */
  clientAddress: (req: IncomingMessage) => string;
  /** Lab 06's caches in front of users and videos. */
  users: UserStore;
  videos: VideoStore;
  /** Queues and cancels jobs (lab 09's BullMQ queue). */
  runner: JobRunner;
  /** Uploads are stored in `<mediaDir>/uploads`. */
  mediaDir: string;
  /** Largest upload, in bytes. */
  maxUploadBytes: number;
  /** Where the browser opens its WebSocket. */
  wsPath: string;
  sessionTtlMs: number;
  maxBodyBytes: number;
  page: DashboardAssets;
}

export interface RequestContext {
  req: IncomingMessage;
  params: Record<string, string>;
}
export type Handler = (ctx: RequestContext) => Promise<Reply>;

const StartJobBody = z.object({
  operation: z.enum(OPERATIONS as [Operation, ...Operation[]]),
});

const LoginBody = z.object({
  email: z.string().trim().toLowerCase().min(3).max(254),
  password: z.string().min(1).max(1024),
});

/** The body's shape, or InvalidBodyError naming the first field that is wrong (never its value). */
function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new InvalidBodyError(`${issue.path.join('.') || 'body'}: ${issue.message}`);
}

const firstHeader = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

function pathId(ctx: RequestContext): number {
  const id = parseId(ctx.params.id);
  if (id === null) throw new InvalidIdError();
  return id;
}

export function apiRoutes(deps: ApiDeps): Route<Handler>[] {
  const { prisma, chat } = deps;

  // #region signed-in
  /** The caller's user id, from `Authorization: Bearer <session token>` (401 otherwise). */
  async function signedIn(req: IncomingMessage): Promise<{ userId: number; token: string }> {
    const token = readBearer(req.headers.authorization);
    if (!token) throw new MissingCredentialError();
    const { userId } = await chat.auth.verifyToken(token);
    return { userId, token };
  }
  // #endregion signed-in

  const routes: Route<Handler>[] = [
    { method: 'GET', path: '/', handler: async () => raw('text/html; charset=utf-8', deps.page.html) },
    { method: 'GET', path: '/dashboard.js', handler: async () => raw('text/javascript; charset=utf-8', deps.page.script) },
    { method: 'GET', path: '/favicon.svg', handler: async () => raw('image/svg+xml', deps.page.favicon) },

    // #region login
    {
      method: 'POST',
      path: '/api/login',
      async handler({ req }) {
        const { email, password } = parseBody(LoginBody, await readJson(req, deps.maxBodyBytes));
        const ip = deps.clientAddress(req);
        await deps.logins.attempt(email, ip); // 429 past the limit, before any password work
        const user = await prisma.user.findUnique({ where: { email }, select: { id: true, email: true, name: true, passwordHash: true } });
        // An unknown email still costs one scrypt, so response times do not tell which emails exist.
        const ok = await verifyPassword(password, user?.passwordHash ?? DECOY_PASSWORD_RECORD);
        if (!user || !ok) throw new InvalidLoginError();
        await deps.logins.succeeded(email, ip);
        const session = await createSession(prisma, user.id, deps.sessionTtlMs);
        return json(201, { token: session.token, expiresAt: session.expiresAt, user: { id: user.id, email: user.email, name: user.name } });
      },
    },
    // #endregion login

    // #region logout
    {
      method: 'POST',
      path: '/api/logout',
      async handler({ req }) {
        const { token } = await signedIn(req);
        // The row, the Redis cache of it, its tickets, and this session's open sockets (4003) on
        // every instance; `closedSockets` counts this instance's, the others close theirs when told.
        const closedSockets = await deps.revokeSession(token);
        return json(200, { loggedOut: true, closedSockets });
      },
    },
    // #endregion logout

    {
      method: 'GET',
      path: '/api/me',
      async handler({ req }) {
        const { userId } = await signedIn(req);
        const user = await deps.users.get(userId);
        if (!user) throw new InvalidCredentialError(); // deleted since the session was cached
        return json(200, {
          user: { id: user.id, email: user.email, name: user.name },
          realtime: { path: deps.wsPath },
          features: { operations: OPERATIONS, maxUploadBytes: deps.maxUploadBytes },
        });
      },
    },
    {
      method: 'GET',
      path: '/api/projects',
      async handler({ req }) {
        const { userId } = await signedIn(req);
        return json(200, { projects: await listProjects(prisma, userId) });
      },
    },
    {
      method: 'GET',
      path: '/api/videos/:id',
      async handler(ctx) {
        const { userId } = await signedIn(ctx.req);
        const id = pathId(ctx);
        // The metadata comes from the cache; whose it is, from one primary-key lookup.
        const video = await deps.videos.get(id);
        if (!video || !(await ownsProject(prisma, video.projectId, userId))) throw new VideoNotFoundError(id);
        return json(200, { video });
      },
    },
    {
      method: 'GET',
      path: '/api/jobs',
      async handler({ req }) {
        const { userId } = await signedIn(req);
        const jobs = await listJobs(prisma, userId);
        return json(200, { jobs: jobs.map(({ video, ...job }) => ({ ...job, videoTitle: video.title })) });
      },
    },
    // #region upload
    {
      method: 'POST',
      path: '/api/projects/:id/videos',
      async handler(ctx) {
        const { userId } = await signedIn(ctx.req);
        const projectId = pathId(ctx);
        if (!(await ownsProject(prisma, projectId, userId))) throw new ProjectNotFoundError(projectId);
        // The client's file name is a title and nothing else: the file on disk gets a server-chosen name.
        const title = titleFrom(firstHeader(ctx.req.headers['x-file-name']));
        const { path: file, media } = await receiveUpload(ctx.req, path.join(deps.mediaDir, 'uploads'), deps.maxUploadBytes);
        const video = await prisma.video.create({
          data: {
            projectId,
            title,
            sourcePath: file,
            ...videoColumnsOf(media),
          },
          select: { ...VIDEO_FIELDS, metadata: true },
        });
        return json(201, { video });
      },
    },
    // #endregion upload
    // #region start-job
    {
      method: 'POST',
      path: '/api/videos/:id/jobs',
      async handler(ctx) {
        const { userId } = await signedIn(ctx.req);
        const id = pathId(ctx);
        const { operation } = parseBody(StartJobBody, await readJson(ctx.req, deps.maxBodyBytes));
        const video = await prisma.video.findFirst({ where: { id, project: { ownerId: userId } }, select: { id: true, sourcePath: true } });
        if (!video) throw new VideoNotFoundError(id);
        return json(202, { job: await deps.runner.start({ ownerId: userId, videoId: video.id, sourcePath: video.sourcePath, operation }) });
      },
    },
    {
      method: 'POST',
      path: '/api/jobs/:id/cancel',
      async handler(ctx) {
        const { userId } = await signedIn(ctx.req);
        const id = pathId(ctx);
        const job = await findOwnedJob(prisma, id, userId);
        if (!job) throw new JobNotFoundError(id);
        return json(200, { job: await deps.runner.cancel(job) });
      },
    },
    // #endregion start-job
    {
      method: 'GET',
      path: '/api/jobs/:id/output',
      async handler(ctx) {
        const { userId } = await signedIn(ctx.req);
        const id = pathId(ctx);
        const job = await prisma.job.findFirst({ where: { id, ownerId: userId }, select: { status: true, outputPath: true, kind: true } });
        if (!job) throw new JobNotFoundError(id);
        if (job.status !== 'completed' || !job.outputPath) throw new OutputNotReadyError(id);
        const size = await stat(job.outputPath).then((s) => s.size, () => null);
        if (size === null) throw new OutputNotReadyError(id); // deleted from disk since
        const extension = path.extname(job.outputPath);
        return { kind: 'file', status: 200, path: job.outputPath, sizeBytes: size, contentType: extension === '.jpg' ? 'image/jpeg' : 'video/mp4', downloadName: `job-${id}${extension}` };
      },
    },
    {
      method: 'POST',
      path: '/ws-ticket',
      async handler({ req }) {
        return json(201, await chat.ticketFor(req)); // lab 07's one definition of the ticket endpoint
      },
    },
  ];

  return routes;
}
