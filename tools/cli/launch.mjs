// Starts one of the workbook's TypeScript CLIs: `node tools/cli/launch.mjs lab|grade|test-all [args]`.
//
// Why not `tsx tools/cli/lab.ts`: tsx's loader hooks run on a thread of their own and see every
// module that loads after them (vitest brings in a few thousand); registering them and loading the
// CLI through them took 1-2 s of every `npm run lab` on a 2-core machine. esbuild (which vitest
// uses anyway) bundles the CLI's own TypeScript in tens of milliseconds instead; packages stay
// external and load at plain-node speed. The bundle lives in .workbook/cli/, named by its content.
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, stop } from 'esbuild';

const CLIS = { lab: 'lab.ts', grade: 'grade.ts', 'test-all': 'test-all.ts', matrix: 'matrix.ts' };
const [name] = process.argv.splice(2, 1);
const cli = CLIS[name];
if (!cli) {
  console.error(`usage: node tools/cli/launch.mjs ${Object.keys(CLIS).join('|')} [args]`);
  process.exit(2);
}
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const outdir = path.join(root, '.workbook', 'cli');

// Listing labs, hints, diffs and the doctor never start vitest: skip loading it there.
const NO_VITEST = new Set([undefined, 'list', 'hint', 'diff', 'reset', 'doctor', 'help', '--help', '-h']);
const vitestLoaded = name === 'lab' && NO_VITEST.has(process.argv[2]) ? null : import('vitest/node');

/**
 * Each bundled file keeps its own location: import.meta.dirname/filename/url name the .ts source.
 * Plain-JavaScript modules (.mjs) are not bundled: they load from where they are (a worker thread
 * started from `new URL(import.meta.url)` must find its own file).
 */
const keepLocation = {
  name: 'keep-location',
  setup(b) {
    b.onResolve({ filter: /\.mjs$/ }, (args) => ({ path: path.resolve(args.resolveDir, args.path), external: true }));
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      const { readFile } = await import('node:fs/promises');
      const text = (await readFile(args.path, 'utf8'))
        .replaceAll('import.meta.dirname', JSON.stringify(path.dirname(args.path)))
        .replaceAll('import.meta.filename', JSON.stringify(args.path))
        .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href));
      return { contents: text, loader: 'ts' };
    });
  },
};

const result = await build({
  entryPoints: { [path.basename(cli, '.ts')]: path.join(here, cli) },
  bundle: true,
  splitting: true, // a dynamic import() (the doctor's clients) stays lazy
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: 'inline',
  entryNames: '[name]-[hash]',
  chunkNames: 'chunk-[hash]',
  outdir,
  write: false,
  logLevel: 'silent',
  plugins: [keepLocation],
}).catch((error) => {
  console.error(`Could not build the workbook CLI (tools/cli/${cli}):\n${error.message}`);
  process.exit(2);
});
await stop(); // esbuild's service process is not needed any more

// Names carry the content's hash, so concurrent runs write identical bytes to one name; each file
// is written beside and renamed into place, so a reader never sees half of one.
mkdirSync(outdir, { recursive: true });
let entry = '';
for (const file of result.outputFiles) {
  if (path.basename(file.path).startsWith(`${path.basename(cli, '.ts')}-`)) entry = file.path;
  try {
    statSync(file.path);
  } catch {
    const temp = `${file.path}.${process.pid}.tmp`;
    writeFileSync(temp, file.contents);
    renameSync(temp, file.path);
  }
}
// Bundles of older versions of the tools, a day old: removed (a run still on one has loaded it).
const current = new Set(result.outputFiles.map((f) => path.basename(f.path)));
const dayAgo = Date.now() - 86_400_000;
for (const old of readdirSync(outdir)) {
  if (current.has(old)) continue;
  const file = path.join(outdir, old);
  try {
    if (statSync(file).mtimeMs < dayAgo) rmSync(file, { force: true });
  } catch {}
}

process.setSourceMapsEnabled(true); // stack traces name the .ts files
await vitestLoaded;
performance.mark('workbook:vitest-loaded'); // Phase.VITEST_LOADED of tools/runner/timings.ts
await import(pathToFileURL(entry).href);
