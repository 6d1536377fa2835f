// Resolver-style code, the shape GraphQL servers have: each job resolves its own owner and video.
// Written naively, that is 1 + 2N queries (the jobs, then an owner and a video per job); through
// DataLoader it is 3 per request, whatever N: the jobs, one batch of owners, one batch of videos.
// When the page's shape is fixed (a REST route, not a resolver graph), one query can bring the
// owner and the video along: jobCardsJoined, 1 statement with relationLoadStrategy 'join'.
import type { PrismaClient } from '../../prisma/client.ts';
import type { JobStatus } from './feed.ts';
import { type CardUser, type CardVideo, createLoaders, type Loaders } from './loaders.ts';

export interface JobCard {
  id: number;
  kind: string;
  status: JobStatus;
  progress: number;
  owner: CardUser | null;
  video: CardVideo | null;
}

interface JobRow {
  id: number;
  kind: string;
  status: JobStatus;
  progress: number;
  ownerId: number;
  videoId: number;
}

const JOB_ROW = { id: true, kind: true, status: true, progress: true, ownerId: true, videoId: true } as const;

/** The jobs with these ids, in the order asked (unknown ids are skipped). One query. */
async function loadJobs(prisma: PrismaClient, jobIds: readonly number[]): Promise<JobRow[]> {
  const rows = await prisma.job.findMany({ where: { id: { in: [...jobIds] } }, select: JOB_ROW });
  const byId = new Map(rows.map((r) => [r.id, r]));
  return jobIds.flatMap((id) => byId.get(id) ?? []);
}

// #region resolver
/** A resolver: one job in, one card out. It asks the loaders, never the database. */
export async function resolveJobCard(job: JobRow, loaders: Loaders): Promise<JobCard> {
  const [owner, video] = await Promise.all([loaders.userById.load(job.ownerId), loaders.videoById.load(job.videoId)]);
  return { id: job.id, kind: job.kind, status: job.status, progress: job.progress, owner, video };
}

export async function jobCards(prisma: PrismaClient, jobIds: readonly number[]): Promise<JobCard[]> {
  const loaders = createLoaders(prisma); // per call: the cache lives as long as this request
  const jobs = await loadJobs(prisma, jobIds);
  // All resolvers start in the same tick, so each loader sees every key before it runs its batch.
  return Promise.all(jobs.map((job) => resolveJobCard(job, loaders)));
}
// #endregion resolver

/** ❌ The same cards, 1 + 2N queries: every job fetches its owner and its video itself. */
export async function jobCardsNaive(prisma: PrismaClient, jobIds: readonly number[]): Promise<JobCard[]> {
  const jobs = await loadJobs(prisma, jobIds);
  const cards: JobCard[] = [];
  for (const job of jobs) {
    const owner = await prisma.user.findUnique({ where: { id: job.ownerId }, select: { id: true, name: true } });
    const video = await prisma.video.findUnique({ where: { id: job.videoId }, select: { id: true, title: true, durationMs: true } });
    cards.push({ id: job.id, kind: job.kind, status: job.status, progress: job.progress, owner, video });
  }
  return cards;
}

// #region joined
/**
 * The same cards when the shape is known up front: the jobs with their owner and video in one
 * statement (`relationLoadStrategy: 'join'`: two LEFT JOIN LATERALs). No resolvers, no loaders:
 * this is what a fixed route does; DataLoader is for code that cannot know what it will be asked.
 */
export async function jobCardsJoined(prisma: PrismaClient, jobIds: readonly number[]): Promise<JobCard[]> {
  const rows = await prisma.job.findMany({
    relationLoadStrategy: 'join',
    where: { id: { in: [...jobIds] } },
    select: {
      id: true,
      kind: true,
      status: true,
      progress: true,
      owner: { select: { id: true, name: true } },
      video: { select: { id: true, title: true, durationMs: true } },
    },
  });
  const byJobId = new Map(rows.map((r) => [r.id, r]));
  return jobIds.flatMap((id) => {
    const r = byJobId.get(id);
    return r ? [{ id: r.id, kind: r.kind, status: r.status, progress: r.progress, owner: r.owner, video: r.video }] : [];
  });
}
// #endregion joined
