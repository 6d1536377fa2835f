// The reads behind the dashboard. Each is a fixed number of SQL statements however many rows
// come back: Prisma loads an `include`/nested `select` with one query per relation level
// (projects, then all their videos, then all their jobs), never one query per row (lab 11).
import type { Prisma, PrismaClient } from '../../prisma/client.ts';
import { VIDEO_FIELDS } from '../06-redis-caching/index.ts';

const JOB_CARD = { id: true, kind: true, status: true, progress: true, version: true, error: true, updatedAt: true } as const satisfies Prisma.JobSelect;
const byId = { id: 'asc' } as const;

// #region projects
export function listProjects(prisma: PrismaClient, ownerId: number) {
  return prisma.project.findMany({
    where: { ownerId },
    orderBy: byId,
    select: {
      id: true,
      name: true,
      videos: {
        orderBy: byId,
        select: { ...VIDEO_FIELDS, jobs: { orderBy: byId, select: JOB_CARD } },
      },
    },
  });
}
// #endregion projects
export type ProjectTree = Awaited<ReturnType<typeof listProjects>>;

export function listJobs(prisma: PrismaClient, ownerId: number) {
  return prisma.job.findMany({
    where: { ownerId },
    orderBy: byId,
    select: { ...JOB_CARD, videoId: true, video: { select: { title: true } } },
  });
}

/** The job if it belongs to `ownerId`; someone else's job is as absent as a missing one. */
export function findOwnedJob(prisma: PrismaClient, jobId: number, ownerId: number) {
  return prisma.job.findFirst({ where: { id: jobId, ownerId }, select: { id: true, ownerId: true } });
}

export async function ownsProject(prisma: PrismaClient, projectId: number, ownerId: number): Promise<boolean> {
  return (await prisma.project.count({ where: { id: projectId, ownerId } })) === 1;
}
