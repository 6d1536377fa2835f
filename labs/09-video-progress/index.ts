// Lab 09: video progress. Later code (the finished system in solutions/app) imports from here.
export * from './errors.ts';
export * from './ffmpeg-runner.ts';
export * from './presets.ts';
export * from './probe.ts';
export * from './progress-parser.ts';
export * from './job-queue.ts';
export * from './job-store.ts';
export * from './worker.ts';
