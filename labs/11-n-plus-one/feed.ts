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

/** ✅ The same feed in a fixed number of queries (3: projects, their videos, those videos' jobs). */
export async function projectFeed(prisma: PrismaClient, ownerId: number): Promise<FeedProject[]> {
  // TODO: one prisma.project.findMany for this owner (orderBy id asc) whose `select` nests the
  //       relations instead of looping: videos (orderBy id asc, id/title/durationMs) and, inside
  //       them, `jobs: { orderBy: [...LATEST_FIRST], take: 1, select: JOB_FIELDS }`.
  // TODO: map each video's `jobs` array to `latestJob: jobs[0] ?? null`, so the result is exactly
  //       what projectFeedNaive returns.
  throw new Error('Not implemented yet: projectFeed in labs/11-n-plus-one/feed.ts');
}
