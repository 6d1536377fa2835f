// Lab 12: what N connect/join/type/disconnect cycles leave behind in the chat server, for the
// code in labs/12-leak-fixes (the leaky starter, until you fix it) and the reference solution.
//
// Each measurement runs labs/…/find-leaks.ts in a child process of its own: a leaky server's
// timers and heap would otherwise stay in this process and skew every bench after it. The two
// sides run alternately (starter, solution, solution, starter, ...), several times each; the table
// gives the median [min-max] of the runs, and the starter's extra bytes per connection over the
// solution taken pair by pair (what the leaks hold, net of the JIT warm-up both sides share).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { defineBench } from '../tools/bench/context.ts';
import { ROOT } from '../tools/labs/meta.ts';

interface Result {
  /** Warnings a leaky starter is expected to cause (see splitWarnings), silenced and counted. */
  expectedWarnings: number;
  count: number;
  seconds: number;
  growth: number;
  after: {
    stats: { clients: number; rooms: number; announceListeners: number; roomListeners: number };
    resources: Record<string, number>;
    subscribedRooms: number;
  };
}

/**
 * What a leaky server makes Node print on purpose: MaxListenersExceededWarning (a listener added
 * per connection and never removed) and Node's "(Use `node --trace-warnings ...`)" line after it.
 * For the starter they are the symptom being measured, counted in the table instead of printed;
 * anything else on stderr, and any warning from the solution, is passed through.
 */
function splitWarnings(stderr: string): { expected: number; other: string } {
  let expected = 0;
  const other: string[] = [];
  for (const line of stderr.split('\n')) {
    if (/MaxListenersExceededWarning/.test(line)) expected++;
    else if (!/^\(Use `node --trace-warnings/.test(line) && line.trim()) other.push(line);
  }
  return { expected, other: other.length ? `${other.join('\n')}\n` : '' };
}

function findLeaks(side: 'labs' | 'solutions', count: number, redisUrl: string): Promise<Result> {
  const script = path.join(ROOT, side, '12-leak-fixes', 'find-leaks.ts');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, String(count), '--json'], {
      cwd: ROOT,
      env: { ...process.env, REDIS_URL: redisUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.once('error', reject);
    child.once('exit', (code) => {
      // Only the starter's leaks are expected: the solution's stderr is passed through whole.
      const { expected, other } = side === 'labs' ? splitWarnings(err) : { expected: 0, other: err };
      if (other) process.stderr.write(other);
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) reject(new Error(`${script} exited with ${code}: ${out}`));
      else resolve({ ...(JSON.parse(line) as Result), expectedWarnings: expected });
    });
  });
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const thousands = (n: number) => Math.round(n).toLocaleString('en-US');
/** median [min-max], or the one value when every run gave it (counts that don't vary). */
const spread = (xs: number[]) => {
  const [lo, hi] = [Math.min(...xs), Math.max(...xs)];
  return lo === hi ? thousands(lo) : `${thousands(median(xs))} [${thousands(lo)}-${thousands(hi)}]`;
};

type Side = 'labs' | 'solutions';

export default defineBench('leaks: what closed connections leave behind (lab 12)', async (ctx) => {
  const counts = ctx.quick ? [500] : [500, 2000];
  const runs = ctx.quick ? 3 : 5;
  const rows: Array<Record<string, string>> = [];
  for (const count of counts) {
    const results: Record<Side, Result[]> = { labs: [], solutions: [] };
    for (let r = 0; r < runs; r++) {
      // The order alternates, so a machine that gets busier during a pair slows either side first.
      const order: Side[] = r % 2 ? ['solutions', 'labs'] : ['labs', 'solutions'];
      for (const side of order) results[side].push(await findLeaks(side, count, ctx.services.redisUrl));
    }
    const perConnection = (r: Result) => r.growth / count;
    const overSolution = results.labs.map((r, i) => perConnection(r) - perConnection(results.solutions[i]!));
    for (const side of ['labs', 'solutions'] as const) {
      const rs = results[side];
      const column = (pick: (r: Result) => number) => spread(rs.map(pick));
      rows.push({
        code: side === 'labs' ? 'labs/ (starter)' : 'solutions/',
        connections: thousands(count),
        'heap growth KB': column((r) => r.growth / 1024),
        'bytes/conn': column(perConnection),
        'bytes/conn over the solution (per pair)': side === 'labs' ? spread(overSolution) : '',
        'Timeouts left': column((r) => r.after.resources.Timeout ?? 0),
        'bus listeners': column((r) => r.after.stats.announceListeners),
        directory: column((r) => r.after.stats.clients),
        'Redis listeners': column((r) => r.after.stats.roomListeners),
        'rooms subscribed': column((r) => r.after.subscribedRooms),
        'conn/s': column((r) => count / r.seconds),
        'leak warnings (silenced, all runs)': String(rs.reduce((sum, r) => sum + r.expectedWarnings, 0)),
      });
    }
  }
  // The solution's few hundred bytes per connection are the JIT still warming up (feedback vectors,
  // inline caches): per connection they shrink as N grows, where a leak stays at its size.
  ctx.table(
    `after N connections and a forced GC, median [min-max] of ${runs} runs per side, sides alternated, each in a fresh process (200 warm-up connections first; heap = live objects, compiled code left out)`,
    rows,
  );
});
