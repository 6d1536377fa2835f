// The demo's real video: a few seconds of ffmpeg's test pattern and a tone, generated at seed time
// (no media is committed to the repository), so a fresh `npm start` can run a job at once.
import { execFile } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { DEMO_PROJECT_NAME, DEMO_USER } from '../03-prisma-schema/index.ts';
import { probe } from '../09-video-progress/index.ts';
import type { PrismaClient } from '../../prisma/client.ts';
import { videoColumnsOf } from './video-columns.ts';

const run = promisify(execFile);

export const DEMO_CLIP_TITLE = 'Test pattern (generated)';

/** Generates the clip into `<mediaDir>/uploads/` and adds it to the demo project. Returns the video id. */
export async function seedDemoClip(prisma: PrismaClient, mediaDir: string): Promise<number> {
  const dir = path.join(mediaDir, 'uploads');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, 'demo-test-pattern.mp4');
  const seconds = 6;
  try {
    await run('ffmpeg', [
      '-hide_banner', '-loglevel', 'error', '-y',
      '-f', 'lavfi', '-i', `testsrc=duration=${seconds}:size=640x360:rate=25`,
      '-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`,
      '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest',
      '-movflags', '+faststart', '-f', 'mp4', `file:${file}`,
    ], { timeout: 60_000 });
  } catch (error) {
    await rm(file, { force: true });
    throw error;
  }
  const media = await probe(file);
  const columns = videoColumnsOf(media);
  const project = await prisma.project.findFirstOrThrow({ where: { name: DEMO_PROJECT_NAME, owner: { email: DEMO_USER.email } }, select: { id: true } });
  const video = await prisma.video.create({
    data: {
      projectId: project.id,
      title: DEMO_CLIP_TITLE,
      sourcePath: file,
      ...columns,
      metadata: { ...columns.metadata, generated: true },
    },
    select: { id: true },
  });
  return video.id;
}
