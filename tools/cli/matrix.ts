// `npm run matrix`: the per-file starter matrix (tools/cli/starter-matrix.ts) from the command line.
import { parseArgs } from 'node:util';
import { findLab, listLabs, ROOT } from '../labs/meta.ts';
import { LINE, runCells, runMatrix, SLACK_MS } from './starter-matrix.ts';
import { exitWhenFlushed, mark, style } from './style.ts';

const MATRIX_HELP = `Realtime backend workbook: per-file starter matrix

Usage: npm run matrix -- [NN ...] [--jobs N]

For every learner file of every lab (or of the labs named), runs the lab's tests against the
reference solution with just that file taken from the starter. Each such run must fail (every
test of a step whose only file it is), must not crash, and must not take longer than twice
the solution's own run plus ${SLACK_MS / 1000} s (a failure that waits for a timeout per test).

  --jobs N   worker processes in parallel (default: 2)
`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { worker: { type: 'boolean', default: false }, jobs: { type: 'string', default: '2' }, help: { type: 'boolean', short: 'h', default: false } },
  });
  if (values.help) {
    console.log(MATRIX_HELP);
    return 0;
  }
  if (values.worker) {
    await runCells(positionals, (result) => console.log(`${LINE}${JSON.stringify(result)}`));
    return 0;
  }
  const labs = positionals.length ? positionals.map((q) => findLab(q, ROOT)?.id ?? q) : listLabs(ROOT).map((l) => l.id);
  const unknown = labs.filter((id) => !findLab(id, ROOT));
  if (unknown.length) {
    console.error(`There is no lab ${unknown.join(', ')}.`);
    return 2;
  }
  const jobs = Number(values.jobs);
  console.log(style.bold(`Per-file starter matrix: ${labs.length} labs, ${jobs} workers`));
  const summary = await runMatrix(labs, jobs);
  const named = summary.results.filter((r) => r.file !== null && r.namesFile).length;
  console.log(
    `\n${summary.errors.length ? mark.fail() : mark.pass()} ${summary.cells} cells (+${labs.length} solution runs) in ${(summary.durationMs / 1000).toFixed(0)} s; ` +
      `${named} of ${summary.cells} first failures name the file or say "not implemented"`,
  );
  for (const e of summary.errors) console.log(`  ${mark.fail()} ${e}`);
  return summary.errors.length ? 1 : 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  console.error(error);
  process.exitCode = 1;
}
exitWhenFlushed();
