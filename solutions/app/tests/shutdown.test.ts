// Graceful shutdown: open sockets hear 1001, and nothing the app created outlives close().
// Alone in its file, so the handle count compares this app with nothing else running.
import { describe, expect, it } from 'vitest';
import { requestTicket } from '../../../labs/07-websocket-server/test-kit.ts';
import { connect } from '../../../tools/testing/ws-client.ts';
import { useDatabase, useRedis } from '../../../tools/testing/test-env.ts';
import { waitFor } from '../../../tools/testing/wait.ts';
import { DEMO_CLIP_TITLE } from '../index.ts';
import { login, request, startTestApp } from './kit.ts';
import { rejected } from '../../../tools/testing/settled.ts';

const db = useDatabase();
const redis = useRedis();

/** How many handles of each kind keep the event loop alive right now (sockets, servers, timers). */
function handles(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

/** The kinds that have more handles now than in `baseline`, e.g. `{ TCPSocketWrap: 2 }`. */
function leaked(baseline: Record<string, number>): Record<string, number> {
  const extra: Record<string, number> = {};
  for (const [kind, n] of Object.entries(handles())) if (n > (baseline[kind] ?? 0)) extra[kind] = n - (baseline[kind] ?? 0);
  return extra;
}

describe('graceful shutdown', () => {
  it('closes sockets with 1001, stops listening, and leaves no handle behind', async () => {
    await db.prisma.$queryRaw`SELECT 1`; // the harness's own pool and client are open before the baseline
    const baseline = handles();
    const app = await startTestApp(db, redis, { worker: { readrate: 0.5 } });
    const token = await login(app);
    const { body } = await requestTicket(app.url, token);
    const tab = await connect(app.wsUrl, { ticket: body.ticket as string, origin: app.url });
    const clip = await db.prisma.video.findFirstOrThrow({ where: { title: DEMO_CLIP_TITLE } });
    const started = await request<{ job: { jobId: number } }>(app, 'POST', `/api/videos/${clip.id}/jobs`, { token, body: { operation: 'transcode-480p' } });
    await waitFor(async () => (await db.prisma.job.findUniqueOrThrow({ where: { id: started.body.job.jobId } })).status === 'processing', {
      message: 'the job never started: ffmpeg must be running when the app closes',
    });

    const closing = app.close();
    const [closed] = await Promise.all([tab.waitClosed('the app to close the socket', 10_000), closing]);
    await app.close(); // idempotent

    expect(closed.code, 'shutdown closes every socket with 1001 (going away), so clients reconnect').toBe(1001);
    const row = await db.prisma.job.findUniqueOrThrow({ where: { id: started.body.job.jobId } });
    expect(row.status, 'a job interrupted by shutdown goes back to the queue (pending), it is not cancelled').toBe('pending');
    (await rejected(fetch(`${app.url}/api/me`))).toBeInstanceOf(Error); // not listening any more
    // Sockets that close() ended may need a tick or two to be released by libuv.
    await waitFor(() => Object.keys(leaked(baseline)).length === 0, {
      timeoutMs: 3000,
      message: `handles left after close(): ${JSON.stringify(leaked(baseline))}`,
    });
  });
});
