// Which tests grade a checkout, and were they edited there? The canonical tests (and lab.json
// files, which hold the points) come from a source the graded student does not control
// (`--tests-from`: a folder, a git URL or ref, a packed bundle; optionally pinned by digest);
// each labs/**/*.test.ts of the graded checkout is compared with them by sha256.
import { TEST_FILE } from '../labs/meta.ts';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';


export const sha256 = (content: Buffer | string) => createHash('sha256').update(content).digest('hex');

export interface EditedTests {
  /** Present in both, different content. */
  modified: string[];
  /** Present only in the graded checkout. */
  added: string[];
  /** Present only in the canonical workbook. */
  deleted: string[];
}

export const hasEdits = (e: EditedTests) => e.modified.length + e.added.length + e.deleted.length > 0;

/** Pure: compares two `path -> sha256` maps. */
export function compareTests(canonical: Map<string, string>, graded: Map<string, string>): EditedTests {
  const modified: string[] = [];
  const deleted: string[] = [];
  for (const [file, hash] of canonical) {
    const other = graded.get(file);
    if (other === undefined) deleted.push(file);
    else if (other !== hash) modified.push(file);
  }
  const added = [...graded.keys()].filter((file) => !canonical.has(file));
  return { modified: modified.sort(), added: added.sort(), deleted: deleted.sort() };
}

/** Every file under `root/dir` (relative to root, forward slashes), node_modules and dot-folders left out. */
export function labFilesIn(root: string, dir = 'labs'): string[] {
  const labs = path.join(root, dir);
  if (!existsSync(labs)) return [];
  return readdirSync(labs, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .filter((file) => !file.split('/').some((part) => part === 'node_modules' || part.startsWith('.')))
    .sort();
}

/**
 * The files the grader takes only from its canonical source, never from the graded checkout:
 * everything under labs/ (tests, lab.json with the points, starters, fixtures) and the labs'
 * reference solutions (solutions/NN-x/; what copied-solution flags compare with).
 */
export const isTrustedFile = (file: string) => /^(labs|solutions)\/\d\d-[^/]+\//.test(file);

/** `path -> content` of the test files under labs/ in a folder's working tree. */
export function testFilesIn(root: string): Map<string, Buffer> {
  return new Map(labFilesIn(root).filter((f) => TEST_FILE.test(f)).map((f) => [f, readFileSync(path.join(root, f))]));
}

/** Only the test files of a trusted set: what is compared with the graded checkout's tests. */
export const onlyTests = (files: Map<string, Buffer>) => new Map([...files].filter(([f]) => TEST_FILE.test(f)));

export interface CanonicalTests {
  /** Where the canonical copies come from, for the report. */
  source: string;
  /** sha256 over every trusted file (`digestOf`): what an instructor pins with --tests-sha256. */
  digest: string;
  /** Every trusted file (see `isTrustedFile`), `labs/... -> content`. */
  files: Map<string, Buffer>;
}

export class TestsSourceError extends Error {
  readonly code = 'WORKBOOK_TESTS_SOURCE';
  constructor(message: string) {
    super(message);
    this.name = 'TestsSourceError';
  }
}

/** sha256 of the sorted `sha256  path` lines of the files (the format of `sha256sum`). */
export function digestOf(files: Map<string, Buffer>): string {
  const lines = [...files].map(([file, content]) => `${sha256(content)}  ${file}\n`).sort();
  return sha256(lines.join(''));
}

const withDigest = (source: string, files: Map<string, Buffer>): CanonicalTests => ({ source, files, digest: digestOf(files) });

function gitIn(cwd: string) {
  return (args: string[]) => execFileSync('git', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 << 20 });
}

/** The trusted files at a commit of a git repository (one `git cat-file --batch` for all of them). */
function filesAtRef(repo: string, ref: string): Map<string, Buffer> {
  const git = gitIn(repo);
  const listed = git(['ls-tree', '-r', '--name-only', ref, '--', 'labs', 'solutions']).toString().split('\n').filter(isTrustedFile);
  const batch = execFileSync('git', ['cat-file', '--batch'], { cwd: repo, input: listed.map((f) => `${ref}:${f}\n`).join(''), maxBuffer: 256 << 20 });
  // Each answer: `<sha> blob <size>\n<content>\n`.
  const files = new Map<string, Buffer>();
  let at = 0;
  for (const file of listed) {
    const eol = batch.indexOf(0x0a, at);
    const size = Number(batch.subarray(at, eol).toString().split(' ')[2]);
    files.set(file, Buffer.from(batch.subarray(eol + 1, eol + 1 + size)));
    at = eol + 1 + size + 1;
  }
  return files;
}

/** The trusted files of a folder's working tree. */
function filesInTree(root: string): Map<string, Buffer> {
  return new Map([...labFilesIn(root), ...labFilesIn(root, 'solutions')].filter(isTrustedFile).map((f) => [f, readFileSync(path.join(root, f))]));
}

/** Format of a packed test bundle (`npm run grade -- --pack-tests FILE`). */
const BUNDLE_FORMAT = 'workbook-tests/1';

export function packTests(root: string): { json: string; digest: string } {
  const files = filesInTree(root);
  const json = JSON.stringify({ format: BUNDLE_FORMAT, files: Object.fromEntries([...files].map(([f, c]) => [f, c.toString('utf8')])) }, null, 1);
  return { json: `${json}\n`, digest: digestOf(files) };
}

function readBundle(file: string): Map<string, Buffer> {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { format?: string; files?: Record<string, string> };
  if (parsed.format !== BUNDLE_FORMAT || typeof parsed.files !== 'object') {
    throw new TestsSourceError(`${file} is not a test bundle (written by \`npm run grade -- --pack-tests FILE\`)`);
  }
  return new Map(Object.entries(parsed.files).filter(([f]) => isTrustedFile(f)).map(([f, text]) => [f, Buffer.from(text, 'utf8')]));
}

const isGitUrl = (spec: string) => /^(https?|ssh|git|file):\/\//.test(spec) || /^[\w.-]+@[\w.-]+:/.test(spec);

/**
 * The canonical tests (and lab.json files) the grader trusts.
 * - no `spec`: git HEAD of `root` when it is a git checkout, else its files;
 * - a folder: the files of that checkout's working tree;
 * - a `.json` file: a bundle written by `packTests`;
 * - a git URL, optionally `URL#REF`: a shallow clone of it (at REF);
 * - anything else: a git ref (a tag, a branch, a commit) of `refRepo`'s repository (the graded
 *   checkout: in GitHub Classroom the student's repository holds the template's commits, and a
 *   commit id names its content for good).
 * @throws TestsSourceError (code WORKBOOK_TESTS_SOURCE) when the source cannot be read or holds no tests.
 */
export function canonicalTests(root: string, spec?: string, refRepo = root): CanonicalTests {
  const result = readSource(root, spec, refRepo);
  if (![...result.files.keys()].some((f) => TEST_FILE.test(f))) throw new TestsSourceError(`${result.source} holds no test files under labs/`);
  return result;
}

function readSource(root: string, spec: string | undefined, refRepo: string): CanonicalTests {
  if (spec === undefined) {
    try {
      const head = gitIn(root)(['rev-parse', '--short', 'HEAD']).toString().trim();
      return withDigest(`git HEAD ${head} of ${root}`, filesAtRef(root, 'HEAD'));
    } catch {
      return withDigest(`files in ${root}`, filesInTree(root));
    }
  }
  if (existsSync(spec) && statSync(spec).isDirectory()) return withDigest(`files in ${path.resolve(spec)}`, filesInTree(spec));
  if (existsSync(spec) && spec.endsWith('.json')) return withDigest(`bundle ${path.resolve(spec)}`, readBundle(spec));
  if (isGitUrl(spec)) {
    const [url, ref] = spec.split('#') as [string, string | undefined];
    const clone = mkdtempSync(path.join(os.tmpdir(), 'workbook-tests-'));
    try {
      gitIn(clone)(['clone', '-q', '--depth', '1', ...(ref ? ['--branch', ref] : []), url, '.']);
      const commit = gitIn(clone)(['rev-parse', '--short', 'HEAD']).toString().trim();
      return withDigest(`${url}${ref ? `#${ref}` : ''} (commit ${commit})`, filesAtRef(clone, 'HEAD'));
    } catch (error) {
      if (error instanceof TestsSourceError) throw error;
      throw new TestsSourceError(`could not clone ${spec}: ${String((error as { stderr?: Buffer }).stderr ?? error).trim()}`);
    } finally {
      rmSync(clone, { recursive: true, force: true });
    }
  }
  try {
    const commit = gitIn(refRepo)(['rev-parse', '--verify', '--short', `${spec}^{commit}`]).toString().trim();
    return withDigest(`git ${spec} (commit ${commit}) of ${refRepo}`, filesAtRef(refRepo, commit));
  } catch {
    throw new TestsSourceError(`--tests-from "${spec}" is not a folder, a test bundle (.json), a git URL, nor a git ref of ${refRepo}`);
  }
}

export function hashes(files: Map<string, Buffer>): Map<string, string> {
  return new Map([...files].map(([f, content]) => [f, sha256(content)]));
}
