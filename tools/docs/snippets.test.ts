// The docs build must fail when a lesson imports code (`<<< file#region`) whose file or region is
// missing. VitePress fails on a missing file but silently shows the whole file for a missing
// region, so docs/.vitepress/snippet-check.ts checks both. These tests pin that check down.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMarkdownRenderer, disposeMdItInstance, type MarkdownRenderer } from 'vitepress';
import {
  regionState,
  RegionState,
  snippetCheck,
  SnippetImportError,
  snippetProblem,
} from '../../docs/.vitepress/snippet-check.ts';

const ts = (...lines: string[]) => lines.join('\n');

describe('regionState', () => {
  it('finds a region between // #region and // #endregion', () => {
    const source = ts('import x from "y";', '// #region enqueue', 'export const a = 1;', '// #endregion enqueue');

    expect(regionState(source, 'enqueue')).toBe(RegionState.FOUND);
  });

  it('accepts the other comment styles VitePress knows, indented', () => {
    expect(regionState(ts('  /* #region q */', 'SELECT 1;', '  /* #endregion q */'), 'q')).toBe(RegionState.FOUND);
    expect(regionState(ts('<!-- #region q -->', 'x', '<!-- #endregion q -->'), 'q')).toBe(RegionState.FOUND);
    expect(regionState(ts('# region q', 'x', '# endregion q'), 'q')).toBe(RegionState.FOUND);
    expect(regionState(ts('//#region q', 'x', '//#endregion q'), 'q')).toBe(RegionState.FOUND);
  });

  it('reports a missing region, matching the whole name only', () => {
    const source = ts('// #region enqueue-all', 'x', '// #endregion enqueue-all');

    expect(regionState(source, 'enqueue')).toBe(RegionState.MISSING);
    expect(regionState('', 'enqueue')).toBe(RegionState.MISSING);
  });

  it('reports a region that is opened but never closed', () => {
    expect(regionState(ts('// #region a', 'x', '// #endregion b'), 'a')).toBe(RegionState.UNCLOSED);
  });

  it('does not take an end marker of another comment style', () => {
    expect(regionState(ts('// #region a', 'x', '/* #endregion a */'), 'a')).toBe(RegionState.UNCLOSED);
  });

  it('does not know `-- #region` (VitePress 1.6 does not either)', () => {
    expect(regionState(ts('-- #region q', 'SELECT 1;', '-- #endregion q'), 'q')).toBe(RegionState.MISSING);
  });
});

describe('snippetProblem', () => {
  const root = '/repo';
  const snippet = { page: '/repo/docs/labs/09-video-progress.md', file: '/repo/solutions/09-video-progress/job-queue.ts' };

  it('names the page, the file and the region when the region is missing', () => {
    expect(snippetProblem({ ...snippet, region: 'enqueue' }, 'export {};', root)).toBe(
      'docs/labs/09-video-progress.md: <<< solutions/09-video-progress/job-queue.ts#enqueue: no region "enqueue" in the file (mark the code with "// #region enqueue" and "// #endregion enqueue")',
    );
  });

  it('names the file when it does not exist', () => {
    expect(snippetProblem({ ...snippet, region: 'enqueue' }, null, root)).toBe(
      'docs/labs/09-video-progress.md: <<< solutions/09-video-progress/job-queue.ts#enqueue: no such file',
    );
  });

  it('says how to close an unclosed region', () => {
    expect(snippetProblem({ ...snippet, region: 'enqueue' }, '// #region enqueue\nx', root)).toBe(
      'docs/labs/09-video-progress.md: <<< solutions/09-video-progress/job-queue.ts#enqueue: region "enqueue" is never closed (add "// #endregion enqueue")',
    );
  });

  it('accepts an existing region, and a whole-file import of an existing file', () => {
    expect(snippetProblem({ ...snippet, region: 'enqueue' }, '// #region enqueue\n// #endregion enqueue', root)).toBeNull();
    expect(snippetProblem({ ...snippet, region: '' }, 'export {};', root)).toBeNull();
  });
});

// The check plugged into VitePress's own Markdown renderer, as `npm run docs:build` uses it.
describe('snippetCheck in the VitePress renderer', () => {
  let dir: string;
  let md: MarkdownRenderer;
  const render = (page: string, text: string) => md.render(text, { path: path.join(dir, page), relativePath: page });

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'wb-snippets-'));
    writeFileSync(path.join(dir, 'queue.ts'), ts('// #region enqueue', 'export const enqueue = 1;', '// #endregion enqueue', ''));
    md = await createMarkdownRenderer(dir, { config: (m) => snippetCheck(m, { root: dir }) });
  });

  afterAll(() => {
    disposeMdItInstance();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('renders a good import: the region only, without its markers', () => {
    const html = render('page.md', '<<< ./queue.ts#enqueue');

    expect(html, 'the region body should be rendered').toContain('enqueue');
    expect(html, 'the region markers should not be rendered').not.toContain('#region');
  });

  it('throws for every broken import of a page, inside containers too', () => {
    const page = ['# Page', '<<< ./queue.ts#dequeue', '::: details Solution', '<<< @/missing.ts#enqueue', ':::'].join('\n\n');

    let thrown: unknown;
    try {
      render('page.md', page);
    } catch (error) {
      thrown = error;
    }

    expect(thrown, 'a broken import must stop the build').toBeInstanceOf(SnippetImportError);
    expect((thrown as SnippetImportError).problems).toEqual([
      'page.md: <<< queue.ts#dequeue: no region "dequeue" in the file (mark the code with "// #region dequeue" and "// #endregion dequeue")',
      'page.md: <<< missing.ts#enqueue: no such file',
    ]);
  });

  it('ignores `<<<` inside a fenced code block (it is an example, not an import)', () => {
    expect(() => render('page.md', ['````md', '<<< ./nowhere.ts#x', '````'].join('\n'))).not.toThrow();
  });
});
