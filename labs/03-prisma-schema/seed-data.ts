// The demo data `npm run db:seed` puts in the database. Plain values only: seed.ts decides how they
// are written. Every row has a natural key (email, project name, source path, job kind, post title,
// event type), which is what makes a second run find the row instead of adding another one.
import type { Prisma } from '../../prisma/client.ts';

export const DEMO_USER = {
  email: 'demo@video-editor.dev',
  name: 'Demo Editor',
  // scrypt("demo-password", salt "video-editor-demo", 32 bytes), base64url. A fixed salt keeps the
  // seed deterministic; real sign-ups must use a random salt per user.
  passwordHash: 'scrypt$dmlkZW8tZWRpdG9yLWRlbW8$icbSOuOLz_ul0Es6JSx7Id1iRZ-Z5J6mm6cKjhNCeRI',
} as const;

export const DEMO_PROJECT_NAME = 'demo';

export interface DemoJob {
  kind: string;
  status: 'pending' | 'processing' | 'completed' | 'failed' | 'cancelled';
  progress: number;
  attempts: number;
  outputPath: string | null;
  error: string | null;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface DemoVideo {
  title: string;
  /** The natural key of a video inside its project. */
  sourcePath: string;
  durationMs: number | null;
  width: number | null;
  height: number | null;
  codec: string | null;
  sizeBytes: bigint | null;
  metadata: Prisma.InputJsonObject;
  jobs: DemoJob[];
}

const at = (iso: string) => new Date(iso);

export const DEMO_VIDEOS: readonly DemoVideo[] = [
  {
    title: 'Intro',
    sourcePath: 'media/demo/intro.mp4',
    durationMs: 12_000,
    width: 1920,
    height: 1080,
    codec: 'h264',
    sizeBytes: 8_421_376n,
    metadata: { fps: 30, audio: { codec: 'aac', channels: 2 }, tags: ['intro', 'demo'] },
    jobs: [
      {
        kind: 'transcode-720p',
        status: 'completed',
        progress: 100,
        attempts: 1,
        outputPath: 'media/demo/out/intro-720p.mp4',
        error: null,
        startedAt: at('2026-01-15T10:00:00Z'),
        finishedAt: at('2026-01-15T10:00:09Z'),
      },
      {
        kind: 'thumbnail',
        status: 'pending',
        progress: 0,
        attempts: 0,
        outputPath: null,
        error: null,
        startedAt: null,
        finishedAt: null,
      },
    ],
  },
  {
    title: 'Interview (4K)',
    sourcePath: 'media/demo/interview.mov',
    durationMs: 95_500,
    width: 3840,
    height: 2160,
    codec: 'prores',
    // 3 GiB: more than a 32-bit integer holds, which is why size_bytes is a BIGINT.
    sizeBytes: 3_221_225_472n,
    metadata: { fps: 25, audio: { codec: 'pcm_s24le', channels: 2 }, tags: ['interview'] },
    jobs: [
      {
        kind: 'transcode-720p',
        status: 'processing',
        progress: 42,
        attempts: 1,
        outputPath: null,
        error: null,
        startedAt: at('2026-01-15T10:05:00Z'),
        finishedAt: null,
      },
      {
        kind: 'thumbnail',
        status: 'cancelled',
        progress: 10,
        attempts: 1,
        outputPath: null,
        error: null,
        startedAt: at('2026-01-15T10:05:00Z'),
        finishedAt: at('2026-01-15T10:05:02Z'),
      },
    ],
  },
  {
    title: 'Broken upload',
    sourcePath: 'media/demo/broken.mp4',
    durationMs: null,
    width: null,
    height: null,
    codec: null,
    sizeBytes: 1_024n,
    metadata: {},
    jobs: [
      {
        kind: 'probe',
        status: 'failed',
        progress: 0,
        attempts: 3,
        outputPath: null,
        error: 'moov atom not found',
        startedAt: at('2026-01-15T10:10:00Z'),
        finishedAt: at('2026-01-15T10:10:01Z'),
      },
    ],
  },
];

export interface DemoPost {
  title: string;
  content: string | null;
  published: boolean;
}

export const DEMO_POSTS: readonly DemoPost[] = [
  { title: 'Welcome to the video editor', content: 'Upload a clip, pick a preset, watch the progress bar move.', published: true },
  { title: 'Keyboard shortcuts (draft)', content: null, published: false },
];

export const DEMO_EVENT = { type: 'user.seeded', payload: { source: 'npm run db:seed', version: 1 } } as const;
