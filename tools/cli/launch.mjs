// Starts one of the workbook's TypeScript CLIs: `node tools/cli/launch.mjs lab|grade|test-all [args]`.
//
// Why not plain `tsx tools/cli/lab.ts`: tsx's loader hooks see every module that loads after them,
// and vitest brings in a few thousand. Importing vitest first, at plain-node speed, and only then
// registering tsx for our own TypeScript saves about 2 s per `npm run lab` on a 2-core machine.
import { register } from 'tsx/esm/api';

const CLIS = { lab: './lab.ts', grade: './grade.ts', 'test-all': './test-all.ts', matrix: './matrix.ts' };
const [name] = process.argv.splice(2, 1);
const cli = CLIS[name];
if (!cli) {
  console.error(`usage: node tools/cli/launch.mjs ${Object.keys(CLIS).join('|')} [args]`);
  process.exit(2);
}
// Listing labs, hints, diffs and the doctor never start vitest: skip the warm-up there.
const NO_VITEST = new Set([undefined, 'list', 'hint', 'diff', 'reset', 'doctor', 'help', '--help', '-h']);
if (!(name === 'lab' && NO_VITEST.has(process.argv[2]))) await import('vitest/node');
register();
await import(new URL(cli, import.meta.url).href);
