// `npm start`: the finished system against DATABASE_URL and REDIS_URL (local defaults otherwise).
//
//   PORT            @default 3000
//   HOST            @default 127.0.0.1 (0.0.0.0 to reach it from other machines or a container)
//   REDIS_PREFIX    @default ve:
//   ALLOWED_ORIGINS comma-separated extra page origins for the WebSocket (e.g. a LAN address)
//   MEDIA_DIR       uploads and job outputs @default ./media (in the repository, ignored by git)
//   WORKERS         video workers in this process @default 1 (0: only `npm run worker` processes work)
//   JOB_READRATE    e.g. 1 paces every job at the video's own speed, to watch the bar move @default unpaced
import { jsonLogger } from '../07-websocket-server/index.ts';
import { redact } from '../../prisma/urls.ts';
import { createApp, DEMO_CLIP_TITLE, DEMO_LOGIN, type StartedApp } from './app.ts';
import { appEnvOrExit } from './env.ts';

const env = appEnvOrExit('npm start');
const databaseUrl = env.DATABASE_URL;
const redisUrl = env.REDIS_URL;
const mediaDir = env.MEDIA_DIR;

let app: StartedApp;
try {
  app = await createApp({
    databaseUrl,
    redisUrl,
    redisPrefix: env.REDIS_PREFIX,
    host: env.HOST,
    port: env.PORT,
    allowedOrigins: env.ALLOWED_ORIGINS,
    trustProxy: env.TRUST_PROXY,
    mediaDir,
    workers: env.WORKERS,
    worker: { readrate: env.JOB_READRATE },
    logger: jsonLogger,
  });
} catch (error) {
  console.error(`npm start failed: ${startupHint(error)}`);
  process.exit(1);
}

const { migrations, seeded, demo, unfinishedJobs } = app;
console.log(`
video-editor v1.3 is running at ${app.url}
  PostgreSQL  ${redact(databaseUrl)} (migrations: ${migrations.applied.length} applied now, ${migrations.alreadyApplied.length} already there)
  Redis       ${redact(redisUrl)}
  Demo data   ${demoLine()}
  Log in as   ${DEMO_LOGIN.email} / ${DEMO_LOGIN.password}
  Jobs        ${app.runner}; ${unfinishedJobs} unfinished on the queue; media in ${mediaDir}
  Stop with   Ctrl+C
`);

/** e.g. `seeded: 3 videos and 5 jobs from lab 03, plus "Test pattern (generated)"; media made by ffmpeg in …/media/demo (5 files made, 0 reused)`. */
function demoLine(): string {
  const media = demo ? `media made by ffmpeg in ${demo.dir} (${demo.made} files made, ${demo.reused} reused)` : '';
  if (seeded) return `seeded: ${seeded.videos} videos and ${seeded.jobs} jobs from lab 03, plus "${DEMO_CLIP_TITLE}"; ${media}`;
  if (demo) return `lab 03's demo rows were there (npm run db:seed); ${media}`;
  return 'database already had users: not seeded';
}

// One Ctrl+C can arrive twice: the terminal signals the whole process group, and tsx (which runs
// `npm start`) relays the signal to this process again when it does not hear back within 30 ms.
// So a repeat within a second is the same request; a later one means "stop waiting".
const REPEAT_WINDOW_MS = 1000;
const SHUTDOWN_DEADLINE_MS = 10_000;
let stoppingSince: number | undefined;

async function stop(signal: NodeJS.Signals): Promise<void> {
  if (stoppingSince !== undefined) {
    if (Date.now() - stoppingSince < REPEAT_WINDOW_MS) return;
    console.error(`${signal} again: exiting without waiting`);
    process.exit(1);
  }
  stoppingSince = Date.now();
  console.log(`${signal}: shutting down (sockets get 1001, then the clients close)`);
  setTimeout(() => {
    console.error(`shutdown took longer than ${SHUTDOWN_DEADLINE_MS / 1000} s; exiting anyway`);
    process.exit(1);
  }, SHUTDOWN_DEADLINE_MS).unref();
  try {
    await app.close();
  } catch (error) {
    console.error(`shutdown was not clean: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
  console.log('stopped');
  // Nothing should keep the process alive now. If something does, say what instead of hanging.
  setTimeout(() => {
    console.error('still running after close; open handles:', process.getActiveResourcesInfo().join(', '));
    process.exit(1);
  }, 5000).unref();
}
process.on('SIGINT', (signal) => void stop(signal));
process.on('SIGTERM', (signal) => void stop(signal));

function startupHint(error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ECONNREFUSED' && message.includes('5432')) return `PostgreSQL at ${redact(databaseUrl)} refused the connection: start it, or set DATABASE_URL.`;
  if (code === 'EADDRINUSE') return `port ${env.PORT} is taken: stop the other server, or set PORT.`;
  return message;
}
