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

/**
 * ✅ The same feed in a fixed number of statements, whatever N: at most one per relation level
 * (projects, their videos, those videos' jobs), so 3 with relationLoadStrategy 'query', 1 with 'join'.
 */
export async function projectFeed(prisma: PrismaClient, ownerId: number): Promise<FeedProject[]> {
  // TODO: exactly what projectFeedNaive returns (same shape, same order, same latest job), in at
  //       most 3 queries however many projects and videos there are: ask for the whole tree at once
  //       instead of looping. Trap: a nested relation gives you an array where the result wants a
  //       single latestJob (or null).
  throw new Error('Not implemented yet: projectFeed in labs/11-n-plus-one/feed.ts');
}
