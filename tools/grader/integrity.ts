// Were the tests edited in the graded checkout? Each labs/**/*.test.ts is compared by sha256 with
// this workbook's canonical copy: git HEAD when this workbook is a git checkout, else its files.
import { TEST_FILE } from '../labs/meta.ts';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
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

function walk(dir: string, base: string, out: string[]): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const abs = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(abs, base, out);
    else if (entry.isFile()) out.push(path.relative(base, abs).split(path.sep).join('/'));
  }
}

/** Every file under `root/labs` (relative to root, forward slashes). */
export function labFilesIn(root: string): string[] {
  const out: string[] = [];
  walk(path.join(root, 'labs'), root, out);
  return out.sort();
}

/** `path -> content` of the test files under labs/ in a folder's working tree. */
export function testFilesIn(root: string): Map<string, Buffer> {
  return new Map(labFilesIn(root).filter((f) => TEST_FILE.test(f)).map((f) => [f, readFileSync(path.join(root, f))]));
}

export interface CanonicalTests {
  /** Where the canonical copies come from, for the report. */
  source: string;
  files: Map<string, Buffer>;
}

/** The canonical test files: git HEAD of `root` if it is a git checkout, else its working tree. */
export function canonicalTests(root: string): CanonicalTests {
  try {
    const git = (args: string[]) => execFileSync('git', args, { cwd: root, stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 256 << 20 });
    const head = git(['rev-parse', '--short', 'HEAD']).toString().trim();
    const listed = git(['ls-tree', '-r', '--name-only', 'HEAD', '--', 'labs']).toString().split('\n').filter((f) => TEST_FILE.test(f));
    const files = new Map(listed.map((f) => [f, git(['show', `HEAD:${f}`])]));
    return { source: `git HEAD ${head} of ${root}`, files };
  } catch {
    return { source: `files in ${root}`, files: testFilesIn(root) };
  }
}

export function hashes(files: Map<string, Buffer>): Map<string, string> {
  return new Map([...files].map(([f, content]) => [f, sha256(content)]));
}
