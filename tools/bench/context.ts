// What a benchmark file gets: isolated services (like a test file) and two ways to report.
//
//   export default defineBench('cache', async (ctx) => {
//     await ctx.compare('cache-aside hit vs raw GET', { 'raw GET': ..., 'cache hit': ... }, { baseline: 'raw GET' });
//     ctx.table('N+1 queries', [{ N: 10, naive: 11, fixed: 2 }]);
//   });
//
// `compare` interleaves the tasks CALL BY CALL (A C B, B A C, ...: shuffled each pass), in several rounds, and prints
// each task's p50 as the median of the rounds [min-max] and its ratio to the baseline taken round
// by round: a machine that slows down mid-run slows every task alike, so the ratio holds.
// Hand-written rather than tinybench or `vitest bench`: both measure each task in a block of its
// own, one after the other, which is what made the same comparison read 1.03x to 3.51x.

export interface BenchServices {
  /** A fresh database cloned from the `app` template (Prisma schema applied), dropped afterwards. */
  databaseUrl: string;
  redisUrl: string;
  /** A Redis key/channel prefix unique to this bench file; its keys are deleted afterwards. */
  redisPrefix: string;
}

export interface CompareOptions {
  /** The task the others are divided by. @default the first task */
  baseline?: string;
  /** Time budget per round, all tasks together, in ms. @default 1000 (300 with --quick) */
  timeMs?: number;
  /** Minimum calls of each task per round (for tasks that take seconds, lower it). @default 20 */
  iterations?: number;
  /** Rounds; each gives one p50 per task and one ratio. @default 5 (3 with --quick) */
  rounds?: number;
}
export interface BenchContext {
  services: BenchServices;
  /** `--quick`: shorter runs, smaller N (CI smoke). */
  quick: boolean;
  compare(title: string, tasks: Record<string, () => unknown>, options?: CompareOptions): Promise<CompareRow[]>;
  table(title: string, rows: Array<Record<string, string | number>>): void;
}

/** One task of a comparison. Times in ms; `p50Ms` and `ratio` are medians over the rounds. */
export interface CompareRow {
  task: string;
  /** Calls per second, from the median p50 of one call at a time. */
  opsPerSec: number;
  p50Ms: number;
  p50MinMs: number;
  p50MaxMs: number;
  /** p99 of every call of every round, pooled. */
  p99Ms: number;
  /** p50 / the baseline's p50, taken round by round; median, then min and max. */
  ratio: number;
  ratioMin: number;
  ratioMax: number;
  calls: number;
}

/** Everything one bench file reported, for `npm run bench -- --json FILE`. */
export interface BenchRecord {
  comparisons: Array<{ title: string; baseline: string; rounds: number; rows: CompareRow[] }>;
  tables: Array<{ title: string; rows: Array<Record<string, string | number>> }>;
}

/** What compare() and table() reported since the last call (the runner takes it after each file). */
let record: BenchRecord = { comparisons: [], tables: [] };
export function takeRecord(): BenchRecord {
  const taken = record;
  record = { comparisons: [], tables: [] };
  return taken;
}

export interface BenchFile {
  name: string;
  run(ctx: BenchContext): Promise<void>;
}

export const defineBench = (name: string, run: BenchFile['run']): BenchFile => ({ name, run });

const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 1 ? n.toFixed(2) : n.toPrecision(3));

export function printTable(title: string, rows: Array<Record<string, string | number>>): void {
  record.tables.push({ title, rows });
  console.log(`\n### ${title}`);
  if (!rows.length) return;
  const headers = Object.keys(rows[0]!);
  const cells = rows.map((r) => headers.map((h) => (typeof r[h] === 'number' ? fmt(r[h] as number) : String(r[h] ?? ''))));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (values: string[]) => `| ${values.map((v, i) => v.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(headers));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const c of cells) console.log(line(c));
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
/** The q-th percentile (0-100) of `xs`, nearest rank. */
export const percentile = (xs: number[], q: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((q / 100) * sorted.length) - 1))] ?? NaN;
};

/** Fisher-Yates, in place. */
function shuffle(xs: number[]): void {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
}

/**
 * Runs the tasks interleaved call by call, `rounds` times, and prints and returns one row per task.
 * The order of the tasks is shuffled every pass: with a fixed (or merely rotated) cycle, each task
 * always runs right after the same other one and inherits its after-effects (a Prisma read's
 * socket events and garbage landed on the raw GET that followed it, which then read slower than
 * GET + PTTL).
 */
export async function compareTasks(
  title: string,
  tasks: Record<string, () => unknown>,
  options: CompareOptions & { quick: boolean },
): Promise<CompareRow[]> {
  const names = Object.keys(tasks);
  const fns = names.map((n) => tasks[n]!);
  const baseline = options.baseline ?? names[0]!;
  const b = names.indexOf(baseline);
  if (b < 0) throw new Error(`compare("${title}"): baseline "${baseline}" is not one of the tasks`);
  const rounds = options.rounds ?? (options.quick ? 3 : 5);
  const budgetMs = options.timeMs ?? (options.quick ? 300 : 1000);
  const minCalls = options.iterations ?? 20;

  // Warm-up (a quarter of a round's budget, at least 3 calls of each), which also sizes the rounds.
  let warmCalls = 0;
  const warmStart = performance.now();
  while (warmCalls < 3 || performance.now() - warmStart < budgetMs / 4) {
    for (const fn of fns) await fn();
    warmCalls++;
  }
  // The slowest calls of the warm-up are the cold ones: size by a second pass, and by its median
  // pass (one stall of a loaded machine must not shrink every round to the minimum).
  const passes: number[] = [];
  for (let i = 0; i < Math.max(3, warmCalls >> 1); i++) {
    const t0 = performance.now();
    for (const fn of fns) await fn();
    passes.push(performance.now() - t0);
  }
  const perCall = median(passes);
  const perRound = Math.max(minCalls, Math.min(5000, Math.floor(budgetMs / Math.max(0.001, perCall))));

  const order = names.map((_, t) => t);
  const p50s: number[][] = names.map(() => []);
  const ratios: number[][] = names.map(() => []);
  const all: number[][] = names.map(() => []);
  for (let r = 0; r < rounds; r++) {
    const samples: number[][] = names.map(() => []);
    for (let i = 0; i < perRound; i++) {
      shuffle(order);
      for (const t of order) {
        const t0 = performance.now();
        await fns[t]!();
        samples[t]!.push(performance.now() - t0);
      }
    }
    const roundP50 = samples.map((xs) => median(xs));
    names.forEach((_, t) => {
      p50s[t]!.push(roundP50[t]!);
      ratios[t]!.push(roundP50[t]! / roundP50[b]!);
      all[t]!.push(...samples[t]!);
    });
  }
  const rows: CompareRow[] = names.map((task, t) => ({
    task,
    opsPerSec: 1000 / median(p50s[t]!),
    p50Ms: median(p50s[t]!),
    p50MinMs: Math.min(...p50s[t]!),
    p50MaxMs: Math.max(...p50s[t]!),
    p99Ms: percentile(all[t]!, 99),
    ratio: median(ratios[t]!),
    ratioMin: Math.min(...ratios[t]!),
    ratioMax: Math.max(...ratios[t]!),
    calls: all[t]!.length,
  }));
  record.comparisons.push({ title, baseline, rounds, rows });
  const rowsText = rows.map((r) => ({
    task: r.task,
    'p50 ms (median [min-max] of rounds)': `${fmt(r.p50Ms)} [${fmt(r.p50MinMs)}-${fmt(r.p50MaxMs)}]`,
    'p99 ms': r.p99Ms,
    ratio: `${fmt(r.ratio)}x [${fmt(r.ratioMin)}-${fmt(r.ratioMax)}]`,
    calls: String(r.calls),
  }));
  const before = record.tables.length;
  printTable(`${title} (ratio = p50 / p50 of "${baseline}", round by round; ${rounds} rounds, calls interleaved)`, rowsText);
  record.tables.length = before; // the comparison is recorded above, with its numbers
  return rows;
}
