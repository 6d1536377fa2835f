// Test and bench data for lab 11: one owner with N projects, their videos and jobs, written in a
// handful of bulk inserts (createManyAndReturn) so that N = 1000 takes a moment, not a minute.
import type { PrismaClient } from '../../prisma/client.ts';
import type { JobStatus } from './feed.ts';

export interface FeedDataOptions {
  /** The owner's email: one owner per data set. */
  email: string;
  projects: number;
  /** @default 2 */
  videosPerProject?: number;
  /** Every third video has no job at all, to test "no latest job". @default 3 */
  jobsPerVideo?: number;
}

export interface FeedData {
  ownerId: number;
  projectIds: number[];
  videoIds: number[];
  jobIds: number[];
}

const STATUSES: readonly JobStatus[] = ['pending', 'processing', 'completed', 'failed', 'cancelled'];
const BASE = Date.parse('2026-02-01T09:00:00Z');

export async function createFeedData(prisma: PrismaClient, options: FeedDataOptions): Promise<FeedData> {
  const videosPerProject = options.videosPerProject ?? 2;
  const jobsPerVideo = options.jobsPerVideo ?? 3;
  const owner = await prisma.user.create({ data: { email: options.email, name: options.email.split('@')[0]!, passwordHash: 'x' } });
  const projects = await prisma.project.createManyAndReturn({
    data: Array.from({ length: options.projects }, (_, i) => ({ ownerId: owner.id, name: `project ${i + 1}` })),
    select: { id: true },
  });
  const videos = await prisma.video.createManyAndReturn({
    data: projects.flatMap((p, i) =>
      Array.from({ length: videosPerProject }, (_, v) => ({
        projectId: p.id,
        title: `clip ${i + 1}.${v + 1}`,
        sourcePath: `media/${p.id}/${v + 1}.mp4`,
        durationMs: v % 2 ? null : 1000 * (v + 1),
      })),
    ),
    select: { id: true },
  });
  const jobs = await prisma.job.createManyAndReturn({
    data: videos.flatMap((video, i) =>
      i % 3 === 2
        ? []
        : Array.from({ length: jobsPerVideo }, (_, j) => ({
            videoId: video.id,
            ownerId: owner.id,
            kind: `step-${j}`,
            status: STATUSES[(i + j) % STATUSES.length]!,
            progress: (i * 7 + j * 13) % 101,
            // The last two jobs of a video share a timestamp: only the id tells which is newer.
            createdAt: new Date(BASE + Math.min(j, jobsPerVideo - 2) * 60_000),
          })),
    ),
    select: { id: true },
  });
  return { ownerId: owner.id, projectIds: projects.map((p) => p.id), videoIds: videos.map((v) => v.id), jobIds: jobs.map((j) => j.id) };
}
