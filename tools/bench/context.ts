// What a benchmark file gets: isolated services (like a test file) and two ways to report.
//
//   export default defineBench('cache', async (ctx) => {
//     await ctx.compare('cache-aside hit vs raw GET', { 'raw GET': ..., 'cache hit': ... }, { baseline: 'raw GET' });
//     ctx.table('N+1 queries', [{ N: 10, naive: 11, fixed: 2 }]);
//   });
//
// `compare` runs every task in the same process, one after the other in one run, and prints each
// task's ops/s, p50, p99 and its ratio to the baseline: absolute numbers vary between machines,
// ratios measured side by side are what a reader can compare.
import { Bench } from 'tinybench';

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
  /** Measuring time per task in ms. @default 1000 (300 with --quick) */
  timeMs?: number;
  /**
   * Minimum samples per task: tinybench runs until both timeMs and this are reached. Lower it for
   * tasks that take seconds (a naive N+1 loop at N = 1000). @default 64 (tinybench's default)
   */
  iterations?: number;
}

export interface BenchContext {
  services: BenchServices;
  /** `--quick`: shorter runs, smaller N (CI smoke). */
  quick: boolean;
  compare(title: string, tasks: Record<string, () => unknown>, options?: CompareOptions): Promise<CompareRow[]>;
  table(title: string, rows: Array<Record<string, string | number>>): void;
}

export interface CompareRow {
  task: string;
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  ratio: number;
}

export interface BenchFile {
  name: string;
  run(ctx: BenchContext): Promise<void>;
}

export const defineBench = (name: string, run: BenchFile['run']): BenchFile => ({ name, run });

const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 1 ? n.toFixed(2) : n.toPrecision(3));

export function printTable(title: string, rows: Array<Record<string, string | number>>): void {
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

export async function compareTasks(
  title: string,
  tasks: Record<string, () => unknown>,
  options: CompareOptions & { quick: boolean },
): Promise<CompareRow[]> {
  const bench = new Bench({
    time: options.timeMs ?? (options.quick ? 300 : 1000),
    warmupTime: options.quick ? 50 : 250,
    throws: true,
    ...(options.iterations ? { iterations: options.iterations, warmupIterations: Math.max(1, Math.ceil(options.iterations / 4)) } : {}),
  });
  for (const [name, fn] of Object.entries(tasks)) bench.add(name, fn);
  await bench.run();
  const baselineName = options.baseline ?? Object.keys(tasks)[0]!;
  const stats = bench.tasks.map((t) => {
    const r = t.result as unknown as { latency: { p50?: number; p99?: number; mean: number }; throughput: { mean: number } };
    return { task: t.name, opsPerSec: r.throughput.mean, p50Ms: r.latency.p50 ?? r.latency.mean, p99Ms: r.latency.p99 ?? r.latency.mean };
  });
  const base = stats.find((s) => s.task === baselineName);
  if (!base) throw new Error(`compare("${title}"): baseline "${baselineName}" is not one of the tasks`);
  const rows = stats.map((s) => ({ ...s, ratio: base.p50Ms === 0 ? NaN : s.p50Ms / base.p50Ms }));
  printTable(`${title} (ratio = p50 / p50 of "${baselineName}")`, rows.map((r) => ({
    task: r.task,
    'ops/s': r.opsPerSec,
    'p50 ms': r.p50Ms,
    'p99 ms': r.p99Ms,
    ratio: `${fmt(r.ratio)}x`,
  })));
  return rows;
}
