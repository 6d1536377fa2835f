// Lessons keep the answer folded: docs/.vitepress/fold-check.ts fails the docs build when a lab page
// shows solution code (imported or pasted) outside a `::: details` block. These tests pin it down,
// in VitePress's own renderer, and check every lesson of the repository as it is.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMarkdownRenderer, disposeMdItInstance, type MarkdownRenderer } from 'vitepress';
import {
  foldCheck,
  labOfPage,
  labSolutionOnlyLines,
  regionText,
  solutionOnlyLines,
  UnfoldedSolutionError,
  unfoldedSolutionCode,
} from '../../docs/.vitepress/fold-check.ts';
import { ROOT } from '../labs/meta.ts';

const lines = (...l: string[]) => l.join('\n');

const STARTER = lines(
  'export async function createUser(db, input) {',
  '  // TODO: insert the user and return the stored row',
  "  throw new Error('not implemented yet: createUser');",
  '}',
  'export const USER_COLUMNS = `id, email, name, created_at AS "createdAt"`;',
);
const SOLUTION = lines(
  'export async function createUser(db, input) {',
  '  // #region create-user',
  '  const { rows } = await db.query(`INSERT INTO users (email, name) VALUES ($1, $2) RETURNING id, email, name`, [',
  '    input.email, input.name,',
  '  ]);',
  '  return rows[0];',
  '  // #endregion create-user',
  '}',
  '// #region columns',
  'export const USER_COLUMNS = `id, email, name, created_at AS "createdAt"`;',
  '// #endregion columns',
);

describe('solutionOnlyLines', () => {
  it('keeps the long code lines the starter does not have, not comments or given code', () => {
    const only = solutionOnlyLines([SOLUTION], [STARTER]);

    expect([...only]).toEqual([
      'const { rows } = await db.query(`INSERT INTO users (email, name) VALUES ($1, $2) RETURNING id, email, name`, [',
    ]);
  });
});

describe('labOfPage and regionText', () => {
  it('finds the lab of a lesson in either language, and nothing for other pages', () => {
    expect(labOfPage('/r/docs/labs/01-sql-basics.md')).toBe('01-sql-basics');
    expect(labOfPage('/r/docs/ko/labs/12-leak-fixes.md')).toBe('12-leak-fixes');
    expect(labOfPage('/r/docs/guide/commands.md')).toBeNull();
  });

  it('cuts one region, matching the whole name', () => {
    const text = lines('// #region a-b', 'x', '// #endregion a-b', '// #region a', 'y', '// #endregion a');

    expect(regionText(text, 'a')).toBe('y');
    expect(regionText(text, 'a-b')).toBe('x');
  });
});

describe('foldCheck in the VitePress renderer', () => {
  let root: string;
  let md: MarkdownRenderer;
  const page = () => path.join(root, 'docs', 'labs', '01-sql-basics.md');
  const render = (text: string) => md.render(text, { path: page(), realPath: page(), relativePath: 'labs/01-sql-basics.md' });
  const problemsOf = (text: string): readonly string[] => {
    try {
      render(text);
      return [];
    } catch (error) {
      expect(error, 'the check throws UnfoldedSolutionError').toBeInstanceOf(UnfoldedSolutionError);
      return (error as UnfoldedSolutionError).problems;
    }
  };
  const IMPORT = '<<< ../../solutions/01-sql-basics/users.ts#create-user';

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'wb-fold-'));
    for (const dir of ['docs/labs', 'labs/01-sql-basics', 'solutions/01-sql-basics']) {
      mkdirSync(path.join(root, dir), { recursive: true });
    }
    writeFileSync(path.join(root, 'labs/01-sql-basics/users.ts'), STARTER);
    writeFileSync(path.join(root, 'solutions/01-sql-basics/users.ts'), SOLUTION);
    md = await createMarkdownRenderer(path.join(root, 'docs'), { config: (m) => foldCheck(m, { root }) });
  });

  afterAll(() => {
    disposeMdItInstance();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('fails on a solution import in a step, naming the page, the line and the region', () => {
    expect(problemsOf(lines('# Lab', '', '### 1. Users', '', IMPORT))).toEqual([
      'docs/labs/01-sql-basics.md:5: <<< solutions/01-sql-basics/users.ts#create-user is outside a ::: details block',
    ]);
  });

  it('lets one solution line through in a pasted block (two make it the answer: see below)', () => {
    const pasted = lines(
      '```ts',
      'const { rows } = await db.query(`INSERT INTO users (email, name) VALUES ($1, $2) RETURNING id, email, name`, [',
      '```',
    );

    expect(problemsOf(pasted)).toEqual([]);
  });

  it('accepts the same import inside ::: details, also nested in a code-group', () => {
    const page = lines('::: details Reference', '::: code-group', `${IMPORT} [pg]`, ':::', ':::');

    expect(problemsOf(page)).toEqual([]);
  });

  it('accepts an import of given code the starter already has', () => {
    expect(problemsOf('<<< ../../solutions/01-sql-basics/users.ts#columns')).toEqual([]);
  });

  it('leaves pages that are not lessons alone', () => {
    expect(() => md.render(IMPORT, { path: path.join(root, 'docs/guide/x.md'), relativePath: 'guide/x.md' })).not.toThrow();
  });
});

describe('unfoldedSolutionCode on pasted blocks', () => {
  it('counts lines of the solution that the starter does not have', () => {
    const solutionOnly = new Set(['const a = await somethingLongEnoughToCount(1);', 'const b = await somethingLongEnoughToCount(2);']);
    const fence = (content: string) => ({ type: 'fence', content, map: [9, 12] as [number, number] });
    const options = { page: '/r/docs/labs/01-x.md', root: '/r', solutionOnly };

    expect(unfoldedSolutionCode([fence([...solutionOnly].join('\n'))], options)).toEqual([
      'docs/labs/01-x.md:10: a code block outside ::: details repeats 2 lines of the solution, e.g. "const a = await somethingLongEnoughToCount(1);"',
    ]);
    expect(unfoldedSolutionCode([fence('const a = await somethingLongEnoughToCount(1);')], options)).toEqual([]);
    expect(
      unfoldedSolutionCode(
        [{ type: 'container_details_open' }, fence([...solutionOnly].join('\n')), { type: 'container_details_close' }],
        options,
      ),
    ).toEqual([]);
  });
});

// The repository itself: every lesson in both languages passes the check.
describe('the lessons of this repository', () => {
  let md: MarkdownRenderer;
  beforeAll(async () => {
    md = await createMarkdownRenderer(path.join(ROOT, 'docs'), {});
  });
  afterAll(() => disposeMdItInstance());

  const pages = ['docs/labs', 'docs/ko/labs'].flatMap((dir) =>
    readdirSync(path.join(ROOT, dir))
      .filter((name) => name.endsWith('.md'))
      .map((name) => path.join(ROOT, dir, name)),
  );

  it.each(pages.map((page) => [path.relative(ROOT, page), page]))('%s shows no solution code outside ::: details', (_, page) => {
    const lab = labOfPage(page)!;
    const tokens = md.parse(readFileSync(page, 'utf8'), { path: page, realPath: page });

    expect(unfoldedSolutionCode(tokens, { page, root: ROOT, solutionOnly: labSolutionOnlyLines(ROOT, lab) })).toEqual([]);
  });
});
