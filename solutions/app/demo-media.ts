// The demo's media, made at start. Lab 03's seed writes rows only (a data lab: paths, facts and job
// states, no files), so on their own its videos point at files nobody has, and its completed job at
// an output nobody made. The app makes those rows true: for each demo video still at one of lab
// 03's paths it makes the file with ffmpeg (a test source and a tone: no media is committed), points
// the row at it with the facts ffprobe reads from it, and gives the completed job the output lab
// 09's own preset makes. "Broken upload" stays broken, for real: the first kilobyte of an MP4 that
// never finished arriving, which is what its failed probe says. One more clip of the app's own,
// "Test pattern (generated)", has no job yet: the one to press Transcode on.
//
//   lab 03's path                   file under MEDIA_DIR        what it is
//   media/demo/intro.mp4            demo/intro.mp4              1920×1080 test pattern and a tone, 4 s at 5 fps
//   media/demo/interview.mov        demo/interview.mov          3840×2160 colour bars and a tone, 3 s at 1 fps
//   media/demo/broken.mp4           demo/broken.mp4             1 KB: `ftyp`, the start of `mdat`, no `moov`
//   media/demo/out/intro-720p.mp4   demo/out/intro-720p.mp4     the intro through lab 09's transcode-720p
//   (the app's own clip)            demo/test-pattern.mp4       640×360 test pattern and a tone, 6 s
//
// About 0.5 MB in all, made once: a start that needs a file again (a database seeded anew) reuses
// it. A start that finds no demo row at a lab 03 path does nothing, so a restart changes nothing.
// The pending and processing jobs get their queue entries from the runner (requeueUnfinished).
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { DEMO_PROJECT_NAME, DEMO_USER, DEMO_VIDEOS } from '../03-prisma-schema/index.ts';
import { FfmpegMissingError, ffmpegArgs, isOperation, probe, type MediaInfo } from '../09-video-progress/index.ts';
import type { PrismaClient } from '../../prisma/client.ts';
import { videoColumnsOf } from './video-columns.ts';

const execFileAsync = promisify(execFile);

/** Runs ffmpeg with `args` (no shell); FfmpegMissingError when it is not on PATH. */
async function ffmpeg(args: string[]): Promise<void> {
  try {
    await execFileAsync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { timeout: 60_000 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new FfmpegMissingError('ffmpeg', { cause: error });
    throw error;
  }
}

export const DEMO_CLIP_TITLE = 'Test pattern (generated)';

/** A clip from ffmpeg's built-in sources (lavfi): a picture source and a sine tone. */
interface ClipRecipe {
  kind: 'clip';
  /** A lavfi video source, e.g. `testsrc` or `smptehdbars`. */
  source: string;
  /** WIDTHxHEIGHT in pixels. */
  size: string;
  /** Frames per second: a low rate keeps a large picture small and quick to make. */
  rate: number;
  seconds: number;
  toneHz: number;
  /** The container: `mp4`, or `mov` for a `.mov` path. */
  format: 'mp4' | 'mov';
}

/** An upload cut off after `bytes` bytes, before the MP4's index. */
interface CutOffRecipe {
  kind: 'cut-off';
  bytes: number;
}

/** What to make for each of lab 03's demo videos, by its path (the natural key lab 03 seeds it by). */
const RECIPES: Readonly<Record<string, ClipRecipe | CutOffRecipe>> = {
  'media/demo/intro.mp4': { kind: 'clip', source: 'testsrc', size: '1920x1080', rate: 5, seconds: 4, toneHz: 660, format: 'mp4' },
  'media/demo/interview.mov': { kind: 'clip', source: 'smptehdbars', size: '3840x2160', rate: 1, seconds: 3, toneHz: 330, format: 'mov' },
  'media/demo/broken.mp4': { kind: 'cut-off', bytes: 1024 },
};

const TEST_PATTERN: ClipRecipe = { kind: 'clip', source: 'testsrc', size: '640x360', rate: 25, seconds: 6, toneHz: 440, format: 'mp4' };
const TEST_PATTERN_FILE = 'demo/test-pattern.mp4';

/** Lab 03's paths are relative to the repository, whose `media/` is the default MEDIA_DIR: `media/x` lives at `<mediaDir>/x`. */
export function demoFile(mediaDir: string, lab03Path: string): string {
  const inside = path.posix.relative('media', lab03Path);
  if (inside.startsWith('..') || path.posix.isAbsolute(inside)) throw new Error(`lab 03's demo path "${lab03Path}" is not under media/`);
  return path.join(mediaDir, inside);
}

export interface DemoMedia {
  /** Demo videos pointed at their files by this start, the test pattern included when it was added. */
  videos: number;
  /** Where the files are: `<mediaDir>/demo`. */
  dir: string;
  /** Files this start made with ffmpeg (or wrote), and files an earlier start had made and this one reused. */
  made: number;
  reused: number;
}

/** Any fixed number: every demo preparation takes this advisory lock ("de30"). */
const DEMO_LOCK = 0xde30;

/**
 * Makes lab 03's demo rows true (see the table at the top). Null when there is nothing to do: no
 * demo project, or none of its videos still at a lab 03 path (a restart). A lab 03 row whose file is
 * already another row's (lab 03's seed run again on a prepared database) is a duplicate and is
 * deleted with its jobs. Several instances may run it at once: files are written under temporary
 * names and renamed, rows change in one transaction under an advisory lock. Throws
 * FfmpegMissingError when ffmpeg or ffprobe is not installed, and what else they throw.
 */
export async function prepareDemoMedia(prisma: PrismaClient, mediaDir: string): Promise<DemoMedia | null> {
  const paths = DEMO_VIDEOS.map((v) => v.sourcePath);
  const project = await prisma.project.findFirst({ where: { name: DEMO_PROJECT_NAME, owner: { email: DEMO_USER.email } }, select: { id: true } });
  if (!project || (await prisma.video.count({ where: { projectId: project.id, sourcePath: { in: paths } } })) === 0) return null;

  // The files first, outside any transaction: ffmpeg takes seconds.
  const files = await makeFiles(mediaDir);

  return prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${DEMO_LOCK})`;
    const rows = await tx.video.findMany({
      where: { projectId: project.id, sourcePath: { in: paths } },
      select: { id: true, sourcePath: true, jobs: { select: { id: true, outputPath: true } } },
    });
    let videos = 0;
    for (const row of rows) {
      const source = files.sources.get(row.sourcePath)!;
      if (await tx.video.findFirst({ where: { projectId: project.id, sourcePath: source.file }, select: { id: true } })) {
        await tx.video.delete({ where: { id: row.id } });
        continue;
      }
      await tx.video.update({ where: { id: row.id }, data: { sourcePath: source.file, ...source.columns } });
      for (const job of row.jobs) {
        const output = job.outputPath === null ? undefined : files.outputs.get(job.outputPath);
        if (output) await tx.job.update({ where: { id: job.id }, data: { outputPath: output } });
      }
      videos++;
    }
    const clip = files.testPattern;
    if (!(await tx.video.findFirst({ where: { projectId: project.id, sourcePath: clip.file }, select: { id: true } }))) {
      await tx.video.create({ data: { projectId: project.id, title: DEMO_CLIP_TITLE, sourcePath: clip.file, ...clip.columns } });
      videos++;
    }
    return { videos, dir: path.join(mediaDir, 'demo'), made: files.made, reused: files.reused };
  });
}

interface MadeSource {
  file: string;
  columns: ReturnType<typeof columnsOf>;
}

/** The columns a row gets from its file: the probe's facts, or for an unreadable file only its size. */
function columnsOf(media: MediaInfo | { sizeBytes: number }) {
  if (!('durationMs' in media)) return { durationMs: null, width: null, height: null, codec: null, sizeBytes: BigInt(media.sizeBytes), metadata: { generated: true } };
  const columns = videoColumnsOf(media);
  return { ...columns, metadata: { ...columns.metadata, generated: true } };
}

/** Makes (or finds) every demo file; maps lab 03's source and output paths to them. */
async function makeFiles(mediaDir: string) {
  let made = 0;
  let reused = 0;
  const once = async (file: string, write: (tmp: string) => Promise<unknown>) => {
    if (await writeOnce(file, write)) made++;
    else reused++;
  };
  const clip = async (file: string, recipe: ClipRecipe): Promise<MediaInfo> => {
    await once(file, (tmp) => ffmpeg(clipArgs(recipe, tmp)));
    return probe(file);
  };

  const sources = new Map<string, MadeSource>();
  const outputs = new Map<string, string>();
  const testPatternFile = path.join(mediaDir, TEST_PATTERN_FILE);
  const [testPattern] = await Promise.all([
    clip(testPatternFile, TEST_PATTERN),
    ...DEMO_VIDEOS.map(async (video) => {
      const recipe = RECIPES[video.sourcePath];
      if (!recipe) throw new Error(`no demo media recipe for lab 03's video "${video.title}" (${video.sourcePath}): add one to RECIPES in demo-media.ts`);
      const file = demoFile(mediaDir, video.sourcePath);
      if (recipe.kind === 'cut-off') {
        await once(file, (tmp) => writeFile(tmp, cutOffMp4(recipe.bytes)));
        sources.set(video.sourcePath, { file, columns: columnsOf({ sizeBytes: (await stat(file)).size }) });
        return;
      }
      const media = await clip(file, recipe);
      sources.set(video.sourcePath, { file, columns: columnsOf(media) });
      // A completed job's output, made the way a worker would have made it.
      for (const job of video.jobs) {
        if (job.status !== 'completed' || !job.outputPath) continue;
        const operation = job.kind;
        if (!isOperation(operation)) throw new Error(`lab 03's completed demo job "${job.kind}" is not an operation lab 09 can run`);
        const output = demoFile(mediaDir, job.outputPath);
        await once(output, (tmp) => ffmpeg(ffmpegArgs(operation, file, tmp, media)));
        outputs.set(job.outputPath, output);
      }
    }),
  ]);
  return { sources, outputs, testPattern: { file: testPatternFile, columns: columnsOf(testPattern) }, made, reused };
}

/** ffmpeg's arguments for a clip from lavfi: H.264 and AAC, the index (`moov`) at the front. */
function clipArgs(recipe: ClipRecipe, output: string): string[] {
  const { source, size, rate, seconds, toneHz, format } = recipe;
  return [
    '-f', 'lavfi', '-i', `${source}=duration=${seconds}:size=${size}:rate=${rate}`,
    '-f', 'lavfi', '-i', `sine=frequency=${toneHz}:duration=${seconds}`,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest',
    '-movflags', '+faststart', '-f', format, `file:${output}`,
  ];
}

/**
 * The first `bytes` of an MP4 whose upload stopped early: the `ftyp` box, then an `mdat` box that
 * announces a megabyte and holds zeros. The index (`moov`) that a recorder writes last never came,
 * so ffprobe says "moov atom not found".
 */
export function cutOffMp4(bytes: number): Buffer {
  const head = Buffer.alloc(bytes);
  head.writeUInt32BE(32, 0);
  head.write('ftypisom', 4, 'latin1');
  head.writeUInt32BE(0x200, 12);
  head.write('isomiso2avc1mp41', 16, 'latin1');
  head.writeUInt32BE(1 << 20, 32);
  head.write('mdat', 36, 'latin1');
  return head;
}

/**
 * Writes `file` with `write` unless it exists: into a temporary name beside it, then a rename, so a
 * file that exists is whole (a start killed halfway leaves only a `.part`). True if it wrote.
 */
async function writeOnce(file: string, write: (tmp: string) => Promise<unknown>): Promise<boolean> {
  if (await stat(file).then((s) => s.isFile(), () => false)) return false;
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(4).toString('hex')}.part`);
  try {
    await write(tmp);
    await rename(tmp, file);
  } finally {
    await rm(tmp, { force: true });
  }
  return true;
}
