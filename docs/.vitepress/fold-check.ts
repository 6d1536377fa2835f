// Lessons teach before they tell: a step explains the idea, shows the starter code, the API and a
// small example that is not the answer, and the reference code waits inside a `::: details`
// block (at the end of the step or in the Solution section). This check makes the docs build
// fail when a lab page shows solution code outside such a block, either
//   - imported: a `<<< ../../solutions/...` line whose code the starter does not already have
//     (a region the starter holds unchanged, like a table of codes, is given code and may show), or
//   - pasted: a code block holding two or more lines that only the lab's solution has (lines of
//     solutions/NN-topic/ that no file of labs/NN-topic/ has, so starter code may be shown).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { MarkdownRenderer } from 'vitepress';

/** A pasted block with this many solution-only lines counts as solution code. */
export const PASTED_LINES_THRESHOLD = 2;
/** Shorter lines (`}`, `return rows;`, `await client.query('BEGIN');`) are too common to tell anything. */
export const MIN_LINE_LENGTH = 28;

const LAB_PAGE = /(?:^|[\\/])labs[\\/](\d\d-[\w-]+)\.md$/;

/** The lab a page teaches (`01-sql-basics` for docs/ko/labs/01-sql-basics.md), or null for other pages. */
export function labOfPage(page: string): string | null {
  return LAB_PAGE.exec(page)?.[1] ?? null;
}

/** A line as it is compared: trimmed, inner runs of spaces folded (a lesson may re-indent). */
export const normalizeLine = (line: string): string => line.trim().replace(/\s+/g, ' ');

const isComment = (line: string) => /^(\/\/|--|\/\*|\*|#)/.test(line);

/** Lines worth comparing: long enough to be specific, and code rather than a comment. */
function codeLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map(normalizeLine)
    .filter((line) => line.length >= MIN_LINE_LENGTH && !isComment(line));
}

/** The lines that only the solution has: in `solutionTexts`, in none of `starterTexts`. */
export function solutionOnlyLines(solutionTexts: readonly string[], starterTexts: readonly string[]): Set<string> {
  const starter = new Set(starterTexts.flatMap(codeLines));
  return new Set(solutionTexts.flatMap(codeLines).filter((line) => !starter.has(line)));
}

function filesUnder(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir, { recursive: true, encoding: 'utf8' });
  } catch {
    return [];
  }
  return names
    .map((name) => path.join(dir, name))
    .filter((file) => /\.(ts|sql|prisma)$/.test(file) && !file.endsWith('.test.ts') && statSync(file).isFile());
}

const readAll = (files: string[]) => files.map((file) => readFileSync(file, 'utf8'));

/** Solution-only lines of one lab, read from disk (solutions/<lab> against labs/<lab>). */
export function labSolutionOnlyLines(root: string, lab: string): Set<string> {
  return solutionOnlyLines(
    readAll(filesUnder(path.join(root, 'solutions', lab))),
    readAll(filesUnder(path.join(root, 'labs', lab))),
  );
}

/** The part of a markdown-it token this check reads. */
export interface FenceLike {
  type: string;
  content?: string;
  src?: unknown;
  map?: [number, number] | null;
}

/**
 * Every piece of solution code shown outside a `::: details` block, as a sentence for the author.
 * `tokens` is the page's token stream as VitePress parses it (a `<<<` line is a fence whose `src`
 * holds the absolute path of the imported file).
 */
export function unfoldedSolutionCode(
  tokens: readonly FenceLike[],
  options: { page: string; root: string; solutionOnly: ReadonlySet<string> },
): string[] {
  const page = path.relative(options.root, options.page);
  const solutions = path.join(options.root, 'solutions') + path.sep;
  const problems: string[] = [];
  let depth = 0;
  for (const token of tokens) {
    if (token.type === 'container_details_open') depth++;
    else if (token.type === 'container_details_close') depth--;
    if (token.type !== 'fence' || depth > 0) continue;
    const line = token.map ? `:${token.map[0] + 1}` : '';
    const src = Array.isArray(token.src) ? String(token.src[0]) : null;
    if (src !== null) {
      const region = (token.src as string[])[1] ?? '';
      if (src.startsWith(solutions) && importShowsSolution(src, region, options.solutionOnly)) {
        const name = region ? `#${region}` : '';
        problems.push(`${page}${line}: <<< ${path.relative(options.root, src)}${name} is outside a ::: details block`);
      }
      continue;
    }
    const pasted = codeLines(token.content ?? '').filter((l) => options.solutionOnly.has(l));
    if (pasted.length >= PASTED_LINES_THRESHOLD) {
      problems.push(
        `${page}${line}: a code block outside ::: details repeats ${pasted.length} lines of the solution, e.g. "${pasted[0]}"`,
      );
    }
  }
  return problems;
}

/** The lines between `#region name` and `#endregion name` (any comment style), or the whole text. */
export function regionText(source: string, region: string): string {
  if (!region) return source;
  const lines = source.split(/\r?\n/);
  const marker = (kind: string) => (line: string) => new RegExp(`${kind} ${region}(?![\\w-])`).test(line);
  const start = lines.findIndex(marker('region'));
  const end = lines.findIndex((line, i) => i > start && marker('endregion')(line));
  return start < 0 ? '' : lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
}

/** Whether an imported file or region holds a line that only the solution has. */
function importShowsSolution(file: string, region: string, solutionOnly: ReadonlySet<string>): boolean {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch {
    return true; // snippet-check reports the missing file
  }
  return codeLines(regionText(source, region)).some((line) => solutionOnly.has(line));
}

export class UnfoldedSolutionError extends Error {
  readonly code = 'DOCS_UNFOLDED_SOLUTION';
  constructor(readonly problems: readonly string[]) {
    super(
      `Solution code shown outside a folded block (move it into "::: details" at the end of the step or in the Solution section; show the idea, the API and an example that is not the answer instead):\n  ${problems.join('\n  ')}`,
    );
    this.name = 'UnfoldedSolutionError';
  }
}

/** markdown-it plugin (use it in `markdown.config`): throws UnfoldedSolutionError on a lab page. */
export function foldCheck(md: MarkdownRenderer, options: { root: string }): void {
  md.core.ruler.push('workbook_fold_check', (state) => {
    const env = state.env as { path?: string; realPath?: string };
    const page = env.realPath ?? env.path ?? '';
    const lab = labOfPage(page);
    if (!lab) return;
    // Read afresh for every page: a handful of small files, and `docs:dev` sees edits at once.
    const solutionOnly = labSolutionOnlyLines(options.root, lab);
    const problems = unfoldedSolutionCode(state.tokens, { page, root: options.root, solutionOnly });
    if (problems.length) throw new UnfoldedSolutionError(problems);
  });
}
