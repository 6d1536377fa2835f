// A dashboard feed: a user's projects, each with its videos, each with its latest job.
import type { PrismaClient } from '../../prisma/client.ts';

export type JobStatus = 'pending' | 'processing' | 'completed' | 'failed' | 'cancelled';

export interface FeedJob {
  id: number;
  kind: string;
  status: JobStatus;
  progress: number;
}

export interface FeedVideo {
  id: number;
  title: string;
  durationMs: number | null;
  latestJob: FeedJob | null;
}

export interface FeedProject {
  id: number;
  name: string;
  videos: FeedVideo[];
}

const JOB_FIELDS = { id: true, kind: true, status: true, progress: true } as const;
/** Newest job first; the id breaks ties between jobs created in the same millisecond. */
const LATEST_FIRST = [{ createdAt: 'desc' }, { id: 'desc' }] as const;

// #region naive
/** ❌ N+1: one query for the projects, one per project for its videos, one per video for its job. */
export async function projectFeedNaive(prisma: PrismaClient, ownerId: number): Promise<FeedProject[]> {
  const projects = await prisma.project.findMany({ where: { ownerId }, orderBy: { id: 'asc' }, select: { id: true, name: true } });
  const feed: FeedProject[] = [];
  for (const project of projects) {
    const videos = await prisma.video.findMany({
      where: { projectId: project.id },
      orderBy: { id: 'asc' },
      select: { id: true, title: true, durationMs: true },
    });
    const feedVideos: FeedVideo[] = [];
    for (const video of videos) {
      const latestJob = await prisma.job.findFirst({ where: { videoId: video.id }, orderBy: [...LATEST_FIRST], select: JOB_FIELDS });
      feedVideos.push({ ...video, latestJob });
    }
    feed.push({ ...project, videos: feedVideos });
  }
  return feed;
}
// #endregion naive

// #region fixed
/**
 * ✅ The same feed in one statement, whatever N: the nested select, loaded with
 * `relationLoadStrategy: 'join'` (PostgreSQL LATERAL joins and JSON aggregation; each video's
 * `take: 1` is a LIMIT 1 in SQL). `'query'` sends one statement per relation level instead (3
 * here) and applies `take` in memory; `npm run bench -- n-plus-one` measures both (lesson step 2).
 */
export async function projectFeed(
  prisma: PrismaClient,
  ownerId: number,
  relationLoadStrategy: 'join' | 'query' = 'join',
): Promise<FeedProject[]> {
  const projects = await prisma.project.findMany({
    relationLoadStrategy,
    where: { ownerId },
    orderBy: { id: 'asc' },
    select: {
      id: true,
      name: true,
      videos: {
        orderBy: { id: 'asc' },
        select: { id: true, title: true, durationMs: true, jobs: { orderBy: [...LATEST_FIRST], take: 1, select: JOB_FIELDS } },
      },
    },
  });
  return projects.map((project) => ({
    id: project.id,
    name: project.name,
    videos: project.videos.map(({ jobs, ...video }) => ({ ...video, latestJob: jobs[0] ?? null })),
  }));
}
// #endregion fixed
