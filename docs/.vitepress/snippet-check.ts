// Lessons show code imported from the real solution files: `<<< ../../solutions/NN-topic/file.ts#name`.
// VitePress fails the build when the file is missing (with a bare ENOENT), but when the region is
// missing it silently shows the whole file. This check turns both into one build error that names
// the page, the file and the region, so a renamed or deleted region can never drift unnoticed.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { MarkdownRenderer } from 'vitepress';

/** One `<<<` import on one page. Paths are absolute. */
export interface SnippetImport {
  page: string;
  file: string;
  /** The `#name` after the path, without `#`; empty when the whole file is imported. */
  region: string;
}

// The region markers VitePress understands (its `findRegion`), one per comment style.
const MARKERS: readonly RegExp[] = [
  /^\/\/ ?#?((?:end)?region) ([\w*-]+)$/, // JavaScript, TypeScript
  /^\/\* ?#((?:end)?region) ([\w*-]+) ?\*\/$/, // CSS, SQL
  /^#pragma ((?:end)?region) ([\w*-]+)$/, // C
  /^<!-- #?((?:end)?region) ([\w*-]+) -->$/, // HTML, Markdown
  /^# ?((?:end)?region) ([\w*-]+)$/, // shell, Python, YAML
];
// Not `-- #region` for SQL: VitePress 1.6 does not know it. In a .sql file use `/* #region name */`.

export const RegionState = { FOUND: 'found', MISSING: 'missing', UNCLOSED: 'unclosed' } as const;
export type RegionState = (typeof RegionState)[keyof typeof RegionState];

/** Whether `source` has a `#region name` ... `#endregion name` pair in one comment style. */
export function regionState(source: string, name: string): RegionState {
  let opened: RegExp | null = null;
  for (const raw of source.split(/\r?\n/)) {
    const line = raw.trim();
    if (opened === null) {
      opened = MARKERS.find((re) => markerOf(line, re, name) === 'region') ?? null;
    } else if (markerOf(line, opened, name) === 'endregion') {
      return RegionState.FOUND;
    }
  }
  return opened === null ? RegionState.MISSING : RegionState.UNCLOSED;
}

function markerOf(line: string, re: RegExp, name: string): 'region' | 'endregion' | null {
  const [, tag, found] = re.exec(line) ?? [];
  if (found !== name || !tag) return null;
  return tag.toLowerCase() === 'region' ? 'region' : tag.toLowerCase() === 'endregion' ? 'endregion' : null;
}

/**
 * What is wrong with one import, as a sentence for the author, or null if nothing is.
 * `source` is the imported file's text, or null when the file does not exist.
 */
export function snippetProblem(snippet: SnippetImport, source: string | null, root: string): string | null {
  const page = path.relative(root, snippet.page);
  const file = path.relative(root, snippet.file);
  const what = `${page}: <<< ${file}${snippet.region ? `#${snippet.region}` : ''}`;
  if (source === null) return `${what}: no such file`;
  if (!snippet.region) return null;
  switch (regionState(source, snippet.region)) {
    case RegionState.MISSING:
      return `${what}: no region "${snippet.region}" in the file (mark the code with "// #region ${snippet.region}" and "// #endregion ${snippet.region}")`;
    case RegionState.UNCLOSED:
      return `${what}: region "${snippet.region}" is never closed (add "// #endregion ${snippet.region}")`;
    case RegionState.FOUND:
      return null;
  }
}

export class SnippetImportError extends Error {
  readonly code = 'DOCS_SNIPPET_IMPORT';
  constructor(readonly problems: readonly string[]) {
    super(`Broken code import${problems.length > 1 ? 's' : ''} in the docs:\n  ${problems.join('\n  ')}`);
    this.name = 'SnippetImportError';
  }
}

function readIfFile(file: string): string | null {
  try {
    return statSync(file).isFile() ? readFileSync(file, 'utf8') : null;
  } catch {
    return null;
  }
}

/**
 * markdown-it plugin (use it in `markdown.config`). It runs after VitePress's own snippet parser,
 * which leaves `token.src = [absolutePath, region]` on each `<<<` line, so it sees exactly the
 * imports VitePress will render, with the same path resolution (relative to the page, `@` = docs/).
 */
export function snippetCheck(md: MarkdownRenderer, options: { root: string }): void {
  md.core.ruler.push('workbook_snippet_check', (state) => {
    const env = state.env as { path?: string; realPath?: string };
    const page = env.realPath ?? env.path ?? '<unknown page>';
    const problems: string[] = [];
    for (const token of state.tokens) {
      const src = (token as { src?: unknown }).src;
      if (token.type !== 'fence' || !Array.isArray(src)) continue;
      const [file, region = ''] = src as [string, string?];
      const problem = snippetProblem({ page, file, region }, readIfFile(file), options.root);
      if (problem) problems.push(problem);
    }
    if (problems.length) throw new SnippetImportError(problems);
  });
}
