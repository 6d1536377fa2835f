// Graceful shutdown: open sockets hear 1001, and nothing the app created outlives close().
// Alone in its file, so the handle count compares this app with nothing else running.
import { once } from 'node:events';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { requestTicket } from '../../../labs/07-websocket-server/test-kit.ts';
import { connect } from '../../../tools/testing/ws-client.ts';
import { useDatabase, useRedis } from '../../../tools/testing/test-env.ts';
import { waitFor, withDeadline } from '../../../tools/testing/wait.ts';
import { DEMO_CLIP_TITLE } from '../index.ts';
import { login, request, startTestApp, unfinishedJobsDone } from './kit.ts';
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
    await unfinishedJobsDone(db); // the demo jobs queued at start run first on the one worker
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

  it('answers an upload still coming in with 503 shutting_down, then removes its .part file', async () => {
    const mediaDir = await mkdtemp(path.join(tmpdir(), 've-shutdown-'));
    const app = await startTestApp(db, redis, { mediaDir });
    try {
      const token = await login(app);
      const clip = await db.prisma.video.findFirstOrThrow({ where: { title: DEMO_CLIP_TITLE } });
      const uploads = path.join(mediaDir, 'uploads');
      const parts = async () => (await readdir(uploads)).filter((f) => f.endsWith('.part'));
      // Half a body: the server is streaming it into a .part file when close() begins.
      const req = http.request(`${app.url}/api/projects/${clip.projectId}/videos`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'video/mp4', 'content-length': '100000' },
      });
      const answered = once(req, 'response') as Promise<[http.IncomingMessage]>;
      req.write(Buffer.alloc(1000));
      await waitFor(async () => (await parts()).length === 1, { message: 'the upload never reached its .part file' });

      const closing = app.close();
      const [res] = await withDeadline(answered, 5000, 'the upload got no answer before its connection closed (a bare close)');
      let text = '';
      for await (const chunk of res) text += String(chunk);
      await closing;

      expect([res.statusCode, JSON.parse(text).error]).toEqual([503, 'shutting_down']);
      await waitFor(async () => (await parts()).length === 0, { message: 'the .part file of the cut upload was left behind' });
    } finally {
      await app.close();
      await rm(mediaDir, { recursive: true, force: true });
    }
  });
});
