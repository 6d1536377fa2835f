// The reads behind the dashboard. Each is a fixed number of SQL statements however many rows
// come back, never one query per row (lab 11). Each query names its relation load strategy:
// 'join' is one statement (LATERAL joins, JSON built in PostgreSQL), 'query' one per relation
// level merged in Node. `npm run bench -- n-plus-one` measured join 2.5-3.3x faster for a tree
// of 10 projects and 'query' faster from about 100 (0.5-0.85x of join's time): one user's
// dashboard is tens of projects, so both reads here use 'join' (lesson 11, step 4).
import type { Prisma, PrismaClient } from '../../prisma/client.ts';
import { VIDEO_FIELDS } from '../06-redis-caching/index.ts';

const JOB_CARD = { id: true, kind: true, status: true, progress: true, version: true, error: true, updatedAt: true } as const satisfies Prisma.JobSelect;
const byId = { id: 'asc' } as const;

// #region projects
export function listProjects(prisma: PrismaClient, ownerId: number) {
  return prisma.project.findMany({
    relationLoadStrategy: 'join',
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
    relationLoadStrategy: 'join', // to-one (the video): a plain LEFT JOIN, join won at every N
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
