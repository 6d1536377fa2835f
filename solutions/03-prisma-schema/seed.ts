// The demo seed: a user, the "demo" project, its videos and their jobs, two posts and an event.
// Run it twice and nothing changes the second time; delete or edit a demo row and the next run
// puts it back. Every write finds its row by a natural key first, so nothing is ever added twice.
import type { Prisma, PrismaClient } from '../../prisma/client.ts';
import { DEMO_EVENT, DEMO_POSTS, DEMO_PROJECT_NAME, DEMO_USER, DEMO_VIDEOS, type DemoJob, type DemoPost, type DemoVideo } from './seed-data.ts';

type Tx = Prisma.TransactionClient;

export interface SeedSummary {
  userId: number;
  projectId: number;
  /** How many rows of each kind the demo data has (after the run, all of them exist). */
  videos: number;
  jobs: number;
  posts: number;
  events: number;
}

/** Any fixed number: every seed run takes this advisory lock ("5eed"). */
const SEED_LOCK = 0x5eed;

export async function seedDemo(prisma: PrismaClient): Promise<SeedSummary> {
  // One transaction: a seed that fails halfway leaves nothing behind. The advisory lock makes two
  // seeds started at the same moment run one after the other instead of both creating rows.
  return prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SEED_LOCK})`;
    const user = await upsertDemoUser(tx);
    const project = await upsertDemoProject(tx, user.id);
    let jobs = 0;
    for (const video of DEMO_VIDEOS) {
      const { id: videoId } = await ensureVideo(tx, project.id, video);
      for (const job of video.jobs) {
        await ensureJob(tx, { videoId, ownerId: user.id }, job);
        jobs++;
      }
    }
    for (const post of DEMO_POSTS) await ensurePost(tx, user.id, post);
    await ensureEvent(tx, user.id);
    return { userId: user.id, projectId: project.id, videos: DEMO_VIDEOS.length, jobs, posts: DEMO_POSTS.length, events: 1 };
  });
}

// #region upsert-user
/** email is @unique, so upsert can find the row by it: INSERT ... ON CONFLICT in one statement. */
export async function upsertDemoUser(tx: Tx): Promise<{ id: number }> {
  return tx.user.upsert({
    where: { email: DEMO_USER.email },
    // Keep the seed the source of truth for the name, but never reset a password someone changed.
    update: { name: DEMO_USER.name },
    create: { ...DEMO_USER },
  });
}
// #endregion upsert-user

// #region upsert-project
/** @@unique([ownerId, name]) gives Prisma the compound key `ownerId_name` to upsert by. */
export async function upsertDemoProject(tx: Tx, ownerId: number): Promise<{ id: number }> {
  return tx.project.upsert({
    where: { ownerId_name: { ownerId, name: DEMO_PROJECT_NAME } },
    update: {},
    create: { ownerId, name: DEMO_PROJECT_NAME },
  });
}
// #endregion upsert-project

// #region ensure-video
/**
 * Video has no unique key besides its id, so upsert cannot find it. Look it up by its natural key
 * (project + source path), then update it or create it.
 */
export async function ensureVideo(tx: Tx, projectId: number, video: DemoVideo): Promise<{ id: number }> {
  const { jobs: _jobs, ...data } = video;
  const existing = await tx.video.findFirst({ where: { projectId, sourcePath: video.sourcePath }, select: { id: true } });
  return existing
    ? tx.video.update({ where: { id: existing.id }, data })
    : tx.video.create({ data: { ...data, projectId } });
}
// #endregion ensure-video

// #region ensure-rest
/** A job's natural key here: its video and its kind (the demo has one job of each kind per video). */
export async function ensureJob(tx: Tx, keys: { videoId: number; ownerId: number }, job: DemoJob): Promise<{ id: number }> {
  const existing = await tx.job.findFirst({ where: { videoId: keys.videoId, kind: job.kind }, select: { id: true } });
  return existing
    ? tx.job.update({ where: { id: existing.id }, data: { ...job, ownerId: keys.ownerId } })
    : tx.job.create({ data: { ...job, ...keys } });
}

export async function ensurePost(tx: Tx, authorId: number, post: DemoPost): Promise<{ id: number }> {
  const existing = await tx.post.findFirst({ where: { authorId, title: post.title }, select: { id: true } });
  return existing
    ? tx.post.update({ where: { id: existing.id }, data: post })
    : tx.post.create({ data: { ...post, authorId } });
}

export async function ensureEvent(tx: Tx, userId: number): Promise<{ id: bigint }> {
  const existing = await tx.event.findFirst({ where: { userId, type: DEMO_EVENT.type }, select: { id: true } });
  return existing
    ? tx.event.update({ where: { id: existing.id }, data: { payload: DEMO_EVENT.payload } })
    : tx.event.create({ data: { ...DEMO_EVENT, userId } });
}
// #endregion ensure-rest
