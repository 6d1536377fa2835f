// Lab 12: what N connect/join/type/disconnect cycles leave behind in the chat server, for the
// code in labs/12-leak-fixes (the leaky starter, until you fix it) and the reference solution.
//
// Each measurement runs labs/…/find-leaks.ts in a child process of its own: a leaky server's
// timers and heap would otherwise stay in this process and skew every bench after it.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { defineBench } from '../tools/bench/context.ts';
import { ROOT } from '../tools/labs/meta.ts';

interface Result {
  count: number;
  seconds: number;
  growth: number;
  after: {
    stats: { clients: number; rooms: number; announceListeners: number; roomListeners: number };
    resources: Record<string, number>;
    subscribedRooms: number;
  };
}

function findLeaks(side: 'labs' | 'solutions', count: number, redisUrl: string): Promise<Result> {
  const script = path.join(ROOT, side, '12-leak-fixes', 'find-leaks.ts');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, String(count), '--json'], {
      cwd: ROOT,
      env: { ...process.env, REDIS_URL: redisUrl },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.once('error', reject);
    child.once('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) reject(new Error(`${script} exited with ${code}: ${out}`));
      else resolve(JSON.parse(line) as Result);
    });
  });
}

export default defineBench('leaks: what closed connections leave behind (lab 12)', async (ctx) => {
  const counts = ctx.quick ? [500] : [500, 2000];
  const rows: Array<Record<string, string | number>> = [];
  for (const count of counts) {
    for (const side of ['labs', 'solutions'] as const) {
      const r = await findLeaks(side, count, ctx.services.redisUrl);
      const n = (value: number) => String(value); // counts, not measurements: no decimals
      rows.push({
        code: side === 'labs' ? 'labs/ (starter)' : 'solutions/',
        connections: n(count),
        'heap growth KB': n(Math.round(r.growth / 1024)),
        'bytes/conn': n(Math.round(r.growth / count)),
        'Timeouts left': n(r.after.resources.Timeout ?? 0),
        'bus listeners': n(r.after.stats.announceListeners),
        directory: n(r.after.stats.clients),
        'Redis listeners': n(r.after.stats.roomListeners),
        'rooms subscribed': n(r.after.subscribedRooms),
        'conn/s': n(Math.round(count / r.seconds)),
      });
    }
  }
  // The solution's few hundred bytes per connection are the JIT still warming up (feedback vectors,
  // inline caches): per connection they shrink as N grows, where a leak stays at its size.
  ctx.table('after N connections and a forced GC (200 warm-up connections first; heap = live objects, compiled code left out)', rows);
});
