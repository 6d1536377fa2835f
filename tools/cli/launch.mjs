// Starts one of the workbook's TypeScript CLIs: `node tools/cli/launch.mjs lab|grade|test-all [args]`.
//
// Why not `tsx tools/cli/lab.ts`: tsx's loader hooks run on a thread of their own and see every
// module that loads after them (vitest brings in a few thousand); registering them and loading the
// CLI through them took 1-2 s of every `npm run lab` on a 2-core machine. esbuild (which vitest
// uses anyway) bundles the CLI's own TypeScript in tens of milliseconds instead; packages stay
// external and load at plain-node speed. The bundle lives in .workbook/cli/, named by its content.
// Beside it, <cli>.json lists the files it was built from with their size and mtime: while none of
// them changed, the bundle is loaded as it is and esbuild is not even loaded (80-150 ms a run).
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { removeStale, stamp } from '../runner/disk-cache.mjs';

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

/** What the bundle depends on besides its sources: this launcher's build options, the installed esbuild, tsconfig. */
const BUILD_INPUTS = [fileURLToPath(import.meta.url), path.join(root, 'package-lock.json'), path.join(root, 'tsconfig.json')];
const manifestOf = (cliName) => path.join(outdir, `${cliName}.json`);

/**
 * A CLI's manifest (its bundle's entry, output files and the stamps of the files it was built
 * from), or undefined when there is none or it cannot be read.
 * @param {string} file
 * @returns {{ entry: string, outputs: string[], inputs: Record<string, string> } | undefined}
 */
function readManifest(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * The entry of the last bundle of this CLI, when none of the files it was built from changed since
 * and all of its files are still there; else undefined.
 * @returns {string | undefined}
 */
function cachedEntry() {
  const manifest = readManifest(manifestOf(name));
  if (!manifest) return undefined;
  for (const [file, was] of Object.entries(manifest.inputs)) if (stamp(file) !== was) return undefined;
  for (const file of manifest.outputs) if (stamp(path.join(outdir, file)) === 'missing') return undefined;
  return path.join(outdir, manifest.entry);
}

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

/** Bundles the CLI, writes its files and manifest, and returns its entry. */
async function bundle() {
  const { build, stop } = await import('esbuild');
  // Stamped before the build (with the sources of the last build, most of this one's), so a file
  // saved while it runs makes the next run build again.
  const known = Object.keys(readManifest(manifestOf(name))?.inputs ?? {});
  const before = new Map([...BUILD_INPUTS, ...known].map((file) => [file, stamp(file)]));
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
    metafile: true,
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
  const writeAtomically = (file, contents) => {
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, contents);
    renameSync(temp, file);
  };
  let entry = '';
  for (const file of result.outputFiles) {
    if (path.basename(file.path).startsWith(`${path.basename(cli, '.ts')}-`)) entry = file.path;
    if (stamp(file.path) === 'missing') writeAtomically(file.path, file.contents);
  }
  const inputs = [...BUILD_INPUTS, ...Object.keys(result.metafile.inputs).map((file) => path.resolve(file))];
  const stamps = Object.fromEntries(inputs.map((file) => [file, before.get(file) ?? stamp(file)]));
  const outputs = result.outputFiles.map((f) => path.basename(f.path));
  writeAtomically(manifestOf(name), JSON.stringify({ entry: path.basename(entry), outputs, inputs: stamps }));

  // Bundles of older versions of the tools, a day old: removed, unless a CLI's manifest still names
  // them (a run still on one has loaded it).
  const kept = new Set(outputs);
  for (const manifest of readdirSync(outdir).filter((f) => f.endsWith('.json'))) {
    for (const file of readManifest(path.join(outdir, manifest))?.outputs ?? []) kept.add(file);
  }
  removeStale(outdir, (old) => !kept.has(old) && !old.endsWith('.json'), 86_400_000);
  return entry;
}

const entry = cachedEntry() ?? (await bundle());

process.setSourceMapsEnabled(true); // stack traces name the .ts files
await vitestLoaded;
performance.mark('workbook:vitest-loaded'); // Phase.VITEST_LOADED of tools/runner/timings.ts
await import(pathToFileURL(entry).href);
