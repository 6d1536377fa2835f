// Test fixtures for lab 06 (not part of the lab: you don't edit this file).
// Rows made with Prisma, a source that counts database reads, a logger that records, a gate.
import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '../../prisma/client.ts';
import type { CacheLogger } from './cache.ts';
import type { Source } from './sources.ts';

export async function seedUser(prisma: PrismaClient, name: string): Promise<number> {
  const user = await prisma.user.create({ data: { email: `${randomUUID()}@example.test`, name, passwordHash: 'x' } });
  return user.id;
}

export async function seedVideo(prisma: PrismaClient, title: string, sizeBytes: bigint | null = null): Promise<number> {
  const owner = await seedUser(prisma, 'Owner');
  const project = await prisma.project.create({ data: { ownerId: owner, name: `p-${randomUUID()}` } });
  const video = await prisma.video.create({
    data: { projectId: project.id, title, sourcePath: `/media/${title}`, durationMs: 61_000, width: 1920, height: 1080, codec: 'h264', sizeBytes },
  });
  return video.id;
}

/** A source whose `findById` counts its calls and, optionally, runs `before` first (to hold or fail a read). */
export function counted<T, U>(source: Source<T, U>, before?: (call: number) => Promise<void> | void) {
  let reads = 0;
  const wrapped: Source<T, U> = {
    ...source,
    async findById(id) {
      const call = ++reads;
      await before?.(call);
      return source.findById(id);
    },
  };
  return { source: wrapped, reads: () => reads };
}

export function recordingLogger() {
  const messages: Array<{ message: string; details: Record<string, unknown> }> = [];
  const logger: CacheLogger = { warn: (message, details) => void messages.push({ message, details }) };
  return { logger, messages };
}

/** A promise the test opens when it is ready: `await gate.promise` holds a read until `gate.open()`. */
export function gate() {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}
