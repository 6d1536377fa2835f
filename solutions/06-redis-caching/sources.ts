// The database side of the cache: where a miss is loaded from and where writes go.
// An interface, so a test (or the benchmark) can wrap `findById` to count database reads.
import type { PrismaClient } from '../../prisma/client.ts';
import type { CachedUser, CachedVideo, UserUpdate, VideoUpdate } from './records.ts';

export interface Source<T, Update> {
  findById(id: number): Promise<T | null>;
  update(id: number, data: Update): Promise<T>;
  /** Deletes the row if it exists. */
  delete(id: number): Promise<void>;
}
export type UserSource = Source<CachedUser, UserUpdate>;
export type VideoSource = Source<CachedVideo, VideoUpdate>;

const userFields = { id: true, email: true, name: true, createdAt: true, updatedAt: true } as const;

export function prismaUserSource(prisma: PrismaClient): UserSource {
  return {
    findById: (id) => prisma.user.findUnique({ where: { id }, select: userFields }),
    update: (id, data) => prisma.user.update({ where: { id }, data, select: userFields }),
    async delete(id) {
      await prisma.user.deleteMany({ where: { id } });
    },
  };
}

/** The video fields the cache holds and the app shows: one definition (CachedVideo in records.ts is its shape). */
export const VIDEO_FIELDS = {
  id: true,
  projectId: true,
  title: true,
  durationMs: true,
  width: true,
  height: true,
  codec: true,
  sizeBytes: true,
  updatedAt: true,
} as const;

export function prismaVideoSource(prisma: PrismaClient): VideoSource {
  return {
    findById: (id) => prisma.video.findUnique({ where: { id }, select: VIDEO_FIELDS }),
    update: (id, data) => prisma.video.update({ where: { id }, data, select: VIDEO_FIELDS }),
    async delete(id) {
      await prisma.video.deleteMany({ where: { id } });
    },
  };
}
