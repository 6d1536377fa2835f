// Type errors in a lab's learner files. vitest strips types without checking them, so
// `const n: number = "x"` runs and may even pass; the runner shows these as warnings before the
// results and the grader records them. Only the given files are roots and only their own
// diagnostics are kept: the rest of the workbook (and the lab's tests) is not checked here.
//
// Plain JavaScript so it also runs as a worker thread (no TypeScript loader there): a lab's check
// takes 4 to 10 s on a busy 2-core machine, so `npm run lab` runs it beside the tests, not before.
import { createRequire } from 'node:module';
import path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

// Loaded on first use: TypeScript takes a second or more to load, and `npm run lab` only needs it
// in the worker thread, never in the thread that runs the tests.
/** @type {typeof import('typescript') | undefined} */
let typescript;
const loadTypescript = () => (typescript ??= createRequire(import.meta.url)('typescript'));

/**
 * @typedef {{ file: string, line: number, column: number, message: string }} TypeErrorNote
 *   One type error; `file` relative to the root, `line` and `column` 1-based.
 */

/** @param {TypeErrorNote} e */
export const formatTypeError = (e) => `${e.file}:${e.line}:${e.column} ${e.message}`;

/**
 * Typechecks `files` (relative to `root`) with the root's tsconfig.json options.
 * @param {string} root
 * @param {string[]} files
 * @returns {TypeErrorNote[]} their type and syntax errors, in file order; never throws for errors in the code
 */
export function typecheckFiles(root, files) {
  const ts = loadTypescript();
  const roots = files.filter((f) => /\.[cm]?tsx?$/.test(f)).map((f) => path.join(root, f));
  if (!roots.length) return [];
  const configFile = path.join(root, 'tsconfig.json');
  const read = ts.readConfigFile(configFile, ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(read.config ?? {}, ts.sys, root, { noEmit: true }, configFile);
  const program = ts.createProgram({ rootNames: roots, options });
  /** @type {TypeErrorNote[]} */
  const notes = [];
  for (const file of roots) {
    const source = program.getSourceFile(file);
    if (!source) continue;
    for (const d of [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]) {
      if (d.category !== ts.DiagnosticCategory.Error || d.start === undefined) continue;
      const { line, character } = source.getLineAndCharacterOfPosition(d.start);
      notes.push({
        file: path.relative(root, file).split(path.sep).join('/'),
        line: line + 1,
        column: character + 1,
        message: ts.flattenDiagnosticMessageText(d.messageText, ' '),
      });
    }
  }
  return notes;
}

/**
 * The same check in a worker thread, beside whatever this thread does meanwhile.
 * Resolves with [] when the check itself fails (a warning is not worth a crash).
 * @param {string} root
 * @param {string[]} files
 * @returns {Promise<TypeErrorNote[]>}
 */
export function typecheckInWorker(root, files) {
  return new Promise((resolve) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { root, files } });
    worker.unref();
    worker.once('message', resolve);
    worker.once('error', () => resolve([]));
    worker.once('exit', () => resolve([]));
  });
}

if (!isMainThread && workerData?.root) parentPort?.postMessage(typecheckFiles(workerData.root, workerData.files));
