// Removes the temporary outputs a killed worker left behind. lab 09's runner writes into
// `.<output name>.<8 hex>.part` next to the output and renames it on success; a failure or a
// cancel deletes it, but a worker killed with SIGKILL (or a machine that lost power) cannot, and
// its orphaned ffmpeg may even go on writing for a while. The job itself is recovered and runs
// again with a new temporary file, so the old one is only litter: swept when a worker starts.
//
// Only files not modified for `staleMs` go: several workers share the outputs directory, and a
// running ffmpeg writes its .part file as it goes, so a recent one may belong to a live job.
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';

/** The runner's temporary file name (solutions/09-video-progress/ffmpeg-runner.ts#run). */
const PART_FILE = /^\..+\.[0-9a-f]{8}\.part$/;

export interface SweepOptions {
  /** A .part file untouched for this long is an orphan. @default 15 minutes */
  staleMs?: number;
  /** The clock, for tests. @default Date.now */
  now?: () => number;
}

/**
 * Deletes the stale .part files directly in `directory` and returns their names. A missing
 * directory sweeps nothing; a file that disappears meanwhile (another worker swept it) is skipped.
 * Any other error (the directory cannot be read, a file cannot be deleted) is thrown.
 */
export async function sweepOrphanedParts(directory: string, options: SweepOptions = {}): Promise<string[]> {
  const staleMs = options.staleMs ?? 15 * 60_000;
  const now = (options.now ?? Date.now)();
  let names: string[];
  try {
    names = await readdir(directory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const swept: string[] = [];
  for (const name of names.filter((n) => PART_FILE.test(n))) {
    const file = path.join(directory, name);
    const info = await stat(file).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return null;
      throw error;
    });
    if (!info?.isFile() || now - info.mtimeMs < staleMs) continue;
    await rm(file, { force: true });
    swept.push(name);
  }
  return swept;
}
