// Type errors in a lab's learner files. vitest strips types without checking them, so
// `const n: number = "x"` runs and may even pass; the runner shows these as warnings after the
// verdict and the grader records them. Only the given files are roots and only their own
// diagnostics are kept: the rest of the workbook (and the lab's tests) is not checked here.
//
// A check parses every file the learner's files reach (about 470, 9 MB of declarations: the DOM
// and node-redis types above all) and takes 3 to 10 s of CPU on a 2-core machine. So `npm run lab`
// never waits for it before the verdict:
//   - it runs in a child process at a lower priority, beside the tests (which come first for the CPU);
//   - its answer is kept in .workbook/typecheck/ with the size and mtime of every file the program
//     read; while none of them changed, the next run takes the answer from there without loading
//     TypeScript at all.
//
// Plain JavaScript so it also runs as that child process (no TypeScript loader there).
import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stamp } from './disk-cache.mjs';

// Loaded on first use: TypeScript takes a second or more to load, and `npm run lab` only needs it
// in the child process, never in the one that runs the tests.
/** @type {typeof import('typescript') | undefined} */
let typescript;
const loadTypescript = () => (typescript ??= createRequire(import.meta.url)('typescript'));

/**
 * @typedef {{ file: string, line: number, column: number, message: string, code?: number }} TypeErrorNote
 *   One type error; `file` relative to the root, `line` and `column` 1-based, `code` TypeScript's (2322 …).
 */

/** @param {TypeErrorNote} e */
export const formatTypeError = (e) => `${e.file}:${e.line}:${e.column} ${e.message}`;

/**
 * Errors whose answer can change without any file the program read changing (a module that was
 * missing is created): a check that found one is not cached.
 * TS2307 cannot find module, TS2792 cannot find module (moduleResolution hint), TS6053 file not found.
 */
const UNRESOLVED = new Set([2307, 2792, 6053]);

/**
 * Typechecks `files` (relative to `root`) with the root's tsconfig.json options.
 * @param {string} root
 * @param {string[]} files
 * @param {Map<string, { stamp: string, source: import('typescript').SourceFile }>} [parsed] files parsed
 *   by earlier checks of this process, by path: reused while their size and mtime are unchanged
 * @returns {{ notes: TypeErrorNote[], inputs: string[] }} their type and syntax errors in file order,
 *   and the absolute paths of every file the program read; never throws for errors in the code
 */
function check(root, files, parsed) {
  const ts = loadTypescript();
  const roots = files.filter((f) => /\.[cm]?tsx?$/.test(f)).map((f) => path.join(root, f));
  if (!roots.length) return { notes: [], inputs: [] };
  const configFile = path.join(root, 'tsconfig.json');
  const read = ts.readConfigFile(configFile, ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(read.config ?? {}, ts.sys, root, { noEmit: true }, configFile);
  const host = ts.createCompilerHost(options);
  if (parsed) {
    const parse = host.getSourceFile.bind(host);
    host.getSourceFile = (fileName, ...rest) => {
      const now = stamp(fileName);
      const known = parsed.get(fileName);
      if (known?.stamp === now) return known.source;
      const source = parse(fileName, ...rest);
      if (source) parsed.set(fileName, { stamp: now, source });
      return source;
    };
  }
  const program = ts.createProgram({ rootNames: roots, options, host });
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
        code: d.code,
      });
    }
  }
  return { notes, inputs: [configFile, ...program.getSourceFiles().map((s) => path.resolve(s.fileName))] };
}

/**
 * Typechecks `files` (relative to `root`) with the root's tsconfig.json options, in this thread.
 * @param {string} root
 * @param {string[]} files
 * @returns {TypeErrorNote[]} their type and syntax errors, in file order; never throws for errors in the code
 */
export const typecheckFiles = (root, files) => check(root, files).notes;

// ---- the cache (.workbook/typecheck/) --------------------------------------------------------


/** @param {string} root @param {string[]} files */
const cacheFileOf = (root, files) =>
  path.join(root, '.workbook', 'typecheck', `${createHash('sha256').update(JSON.stringify(files)).digest('hex').slice(0, 16)}.json`);

/**
 * The cached answer for these files, when no file the last check read has changed since.
 * @param {string} root
 * @param {string[]} files
 * @returns {TypeErrorNote[] | null}
 */
export function cachedTypecheck(root, files) {
  try {
    /** @type {{ files: string[], stamps: Record<string, string>, notes: TypeErrorNote[] }} */
    const cached = JSON.parse(readFileSync(cacheFileOf(root, files), 'utf8'));
    if (JSON.stringify(cached.files) !== JSON.stringify(files)) return null;
    for (const [file, was] of Object.entries(cached.stamps)) if (stamp(file) !== was) return null;
    return cached.notes;
  } catch {
    return null;
  }
}

/**
 * Checks and keeps the answer for cachedTypecheck. The stamps are taken BEFORE the check, so a file
 * saved while it ran makes the next lookup miss instead of returning an answer about older text.
 * @param {string} root
 * @param {string[]} files
 * @param {Parameters<typeof check>[2]} [parsed] see check()
 * @returns {TypeErrorNote[]}
 */
export function typecheckAndCache(root, files, parsed) {
  const before = new Map();
  const stampAll = (/** @type {string[]} */ inputs) => inputs.map((f) => [f, before.get(f) ?? stamp(f)]);
  // The inputs are known only after the check: stamp the learner's files first (what changes).
  for (const f of files) before.set(path.join(root, f), stamp(path.join(root, f)));
  const { notes, inputs } = check(root, files, parsed);
  if (!notes.some((n) => n.code !== undefined && UNRESOLVED.has(n.code))) {
    const file = cacheFileOf(root, files);
    try {
      mkdirSync(path.dirname(file), { recursive: true });
      const temp = `${file}.${process.pid}.tmp`;
      writeFileSync(temp, JSON.stringify({ files, stamps: Object.fromEntries(stampAll(inputs)), notes }));
      renameSync(temp, file);
    } catch {} // no cache this time
  }
  return notes;
}

// ---- in the background ----------------------------------------------------------------------

const CHILD = '--workbook-typecheck-child';
const SESSION = '--workbook-typecheck-session';
/** Niceness of the child: the tests get the CPU first (0 is normal, 19 the lowest). */
const NICENESS = 10;

/**
 * The check without holding up anything: from the cache when nothing changed, else in a child
 * process at a lower priority (killed if this process exits first).
 * Resolves with [] when the check itself fails (a warning is not worth a crash).
 * @param {string} root
 * @param {string[]} files
 * @param {{ niceness?: number }} [options] `niceness` of the child (0 normal .. 19 lowest), @default 10:
 *   the tests get the CPU first. The grader, which waits for both, passes 0.
 * @returns {Promise<TypeErrorNote[]>}
 */
export function typecheckInBackground(root, files, { niceness = NICENESS } = {}) {
  const cached = cachedTypecheck(root, files);
  if (cached) return Promise.resolve(cached);
  return new Promise((resolve) => {
    const child = fork(fileURLToPath(import.meta.url), [CHILD, root, ...files], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    const kill = () => child.kill();
    process.once('exit', kill);
    const done = (/** @type {TypeErrorNote[]} */ notes) => {
      process.off('exit', kill);
      resolve(notes);
    };
    try {
      if (child.pid && niceness !== 0) os.setPriority(child.pid, niceness);
    } catch {} // not allowed here: it runs at the normal priority
    child.once('message', (notes) => done(/** @type {TypeErrorNote[]} */ (notes)));
    child.once('error', () => done([]));
    child.once('exit', () => done([]));
  });
}

/**
 * For `npm run lab -- NN --watch`: one child process for the whole session that keeps every parsed
 * file between checks, so a check after a save parses only what changed (the declarations of the
 * DOM, Node and node-redis, most of the work, are parsed once). Checks run one at a time, in order.
 * @returns {{ check(root: string, files: string[]): Promise<TypeErrorNote[]>, close(): void }}
 */
export function typecheckSession() {
  /** @type {import('node:child_process').ChildProcess | undefined} */
  let child;
  let last = Promise.resolve(/** @type {TypeErrorNote[]} */ ([]));
  const kill = () => child?.kill();
  const start = () => {
    const started = fork(fileURLToPath(import.meta.url), [SESSION], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    try {
      if (started.pid) os.setPriority(started.pid, NICENESS);
    } catch {}
    started.once('exit', () => {
      if (child === started) child = undefined; // the next check starts another
    });
    process.once('exit', kill);
    return started;
  };
  const ask = (/** @type {string} */ root, /** @type {string[]} */ files) =>
    new Promise((resolve) => {
      const cached = cachedTypecheck(root, files);
      if (cached) return resolve(cached);
      if (!child) child = start();
      const worker = child;
      const done = (/** @type {TypeErrorNote[]} */ notes) => {
        worker.off('message', done);
        worker.off('exit', failed);
        resolve(notes);
      };
      const failed = () => done([]);
      worker.on('message', done);
      worker.once('exit', failed);
      worker.send({ root, files });
    });
  return {
    check(root, files) {
      last = last.then(() => ask(root, files));
      return last;
    },
    close() {
      process.off('exit', kill);
      kill();
    },
  };
}

if (process.argv[2] === SESSION && process.send) {
  const parsed = new Map();
  process.on('message', (/** @type {{ root: string, files: string[] }} */ { root, files }) => {
    process.send?.(typecheckAndCache(root, files, parsed));
  });
  process.channel?.ref();
}

if (process.argv[2] === CHILD && process.send) {
  const [root, ...files] = process.argv.slice(3);
  const notes = typecheckAndCache(/** @type {string} */ (root), files);
  process.send(notes, () => process.exit(0));
}
