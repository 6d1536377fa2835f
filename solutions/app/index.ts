// The finished system, for `npm start` (main.ts) and the tests (solutions/app/tests/).
export { createApp, DEMO_CLIP_TITLE, DEMO_LOGIN, WS_PATH, type AppOptions, type StartedApp } from './app.ts';
export * from './errors.ts';
export type { JobRef, JobRunner, JobState, ProgressNotifier, StartRequest } from './job-runner.ts';
export { toNotification, updatesNotifier } from './job-updates.ts';
export { relayNotifier } from './notifier.ts';
export * from './notifications.ts';
export { hashPassword, verifyPassword } from './password.ts';
export { matchPath, matchRoute, parseId, type Route, type RouteMatch } from './router.ts';
export { titleFrom } from './uploads.ts';
export { sweepOrphanedParts, type SweepOptions } from './part-sweeper.ts';
export { connectQueueClient, outputsDir, QueueJobRunner, queueConfig, startWorkers, type QueueRunnerOptions } from './video-jobs.ts';
