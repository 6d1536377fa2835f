import { describe, expect, test } from 'vitest';
import { ProblemKind, TestState } from '../runner/results.ts';
import { toConsoleTable, toJunit, toMarkdown, xmlEscape, type GradeReport } from './report.ts';

const report = (edits = { modified: [] as string[], added: [] as string[], deleted: [] as string[] }): GradeReport => ({
  target: 'starter',
  dir: '/home/student/workbook',
  gradedAt: '2026-11-26T10:00:00.000Z',
  canonicalTests: 'git HEAD abc1234',
  testsDigest: 'f'.repeat(64),
  editedTests: edits,
  labs: [
    {
      id: '01-sql-basics',
      title: 'SQL basics',
      passed: 1,
      failed: 1,
      total: 2,
      earned: 2,
      possible: 3,
      score: 0.6667,
      tests: [
        { name: 'creates <users>', fullName: 'schema > creates <users>', file: 'labs/01-sql-basics/schema.test.ts', group: 'schema', state: TestState.PASSED, points: 2, earned: 2 },
        {
          name: 'joins & groups',
          fullName: 'queries > joins & groups',
          file: 'labs/01-sql-basics/queries.test.ts',
          group: 'queries',
          state: TestState.FAILED,
          points: 1,
          earned: 0,
          message: 'expected "a" to be \'b\'\nsecond line \u0007bell',
        },
      ],
      problems: [],
      copies: [{ file: 'labs/01-sql-basics/users.ts', similarity: 1, identical: true }],
      typeErrors: ["labs/01-sql-basics/users.ts:3:7 Type 'string' is not assignable to type 'number'."],
    },
    {
      id: '02-sql-advanced',
      title: 'SQL advanced',
      passed: 0,
      failed: 0,
      total: 0,
      earned: 0,
      possible: 0,
      score: 0,
      tests: [],
      problems: [{ kind: ProblemKind.LOAD, lab: '02-sql-advanced', file: 'labs/02-sql-advanced/x.test.ts', message: 'SyntaxError: Unexpected token' }],
      copies: [],
      typeErrors: [],
    },
  ],
  problems: [],
  passed: 1,
  failed: 1,
  total: 2,
  score: 0.3333,
  minScore: 0.5,
  minScoreReached: false,
  durationMs: 1234,
});

/** A small well-formedness check: every tag closes in order, attributes are quoted, no raw & or <. */
function assertWellFormed(xml: string): string[] {
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: string[] = [];
  const names: string[] = [];
  const tag = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[\w:-]+="[^"<&]*(?:&(?:amp|lt|gt|quot|apos);[^"<&]*)*")*)\s*(\/?)>/y;
  let i = 0;
  while (i < body.length) {
    const lt = body.indexOf('<', i);
    const text = body.slice(i, lt === -1 ? body.length : lt);
    expect(text, `raw text must escape & (${text})`).not.toMatch(/&(?!(amp|lt|gt|quot|apos);)/);
    if (lt === -1) break;
    tag.lastIndex = lt;
    const m = tag.exec(body);
    expect(m, `malformed tag at ${body.slice(lt, lt + 60)}`).not.toBeNull();
    const [whole, closing, name, , selfClosing] = m!;
    if (closing) expect(stack.pop(), `</${name}> closes the wrong element`).toBe(name);
    else if (!selfClosing) stack.push(name!);
    names.push(name!);
    i = lt + whole.length;
  }
  expect(stack, 'unclosed elements').toEqual([]);
  return names;
}

describe('toJunit', () => {
  test('is well-formed XML with one suite per lab plus the integrity suite', () => {
    const xml = toJunit(report());

    const names = assertWellFormed(xml);
    expect(names[0]).toBe('testsuites');
    expect(xml.match(/<testsuite /g)).toHaveLength(3);
    expect(xml).toContain('<testsuite name="01-sql-basics" tests="2" failures="1" errors="0" skipped="0">');
    expect(xml).toContain('<property name="score" value="0.6667"/>');
  });

  test('escapes names and messages and drops characters XML cannot hold', () => {
    const xml = toJunit(report());

    expect(xml).toContain('name="schema &gt; creates &lt;users&gt;"');
    expect(xml).toContain('name="queries &gt; joins &amp; groups"');
    expect(xml).toContain('expected &quot;a&quot; to be &apos;b&apos;');
    expect(xml).not.toContain('\u0007');
  });

  test('a file that did not load is an <error>, not a failure', () => {
    expect(toJunit(report())).toMatch(/<testsuite name="02-sql-advanced"[^>]*errors="1"[\s\S]*<error message="SyntaxError: Unexpected token" type="load">/);
  });

  test('edited tests fail the integrity test case and are listed', () => {
    const xml = toJunit(report({ modified: ['labs/01-sql-basics/schema.test.ts'], added: [], deleted: ['labs/02-sql-advanced/x.test.ts'] }));

    assertWellFormed(xml);
    expect(xml).toMatch(/<testcase classname="integrity"[^>]*>\s*<failure message="2 test file\(s\) edited/);
    expect(xml).toContain('modified: labs/01-sql-basics/schema.test.ts');
    expect(xml).toContain('deleted: labs/02-sql-advanced/x.test.ts');
  });

  test('untouched tests pass the integrity test case', () => {
    expect(toJunit(report())).toContain('<testcase classname="integrity" name="test files match the workbook">\n    </testcase>');
  });
});

describe('xmlEscape', () => {
  test('escapes the five XML specials', () => {
    expect(xmlEscape(`<a href="x">&'`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;');
  });
});

describe('toMarkdown and toConsoleTable', () => {
  test('the summary has the score, a row per lab and the failing tests', () => {
    const md = toMarkdown(report());

    expect(md).toContain('# Grade: 33.3%');
    expect(md).toContain('| 01-sql-basics | SQL basics | 1 | 1 | 2 | 2/3 | 66.7% |');
    expect(md).toContain('- ✗ queries > joins & groups: expected "a" to be \'b\'');
    expect(md).toContain('**load problem** in `labs/02-sql-advanced/x.test.ts`');
    expect(md).toContain('Test files: unchanged.');
  });

  test('the summary warns about edited tests', () => {
    const md = toMarkdown(report({ modified: [], added: ['labs/01-sql-basics/mine.test.ts'], deleted: [] }));

    expect(md).toContain('> [!WARNING]');
    expect(md).toContain('> - added: `labs/01-sql-basics/mine.test.ts`');
  });

  test('the console table has a row per lab and a total', () => {
    const lines = toConsoleTable(report()).split('\n');

    expect(lines[0]).toMatch(/^Lab\s+Passed\s+Failed\s+Total\s+Points\s+Score$/);
    expect(lines[2]).toMatch(/^01-sql-basics \(copy\?\)\s+1\s+1\s+2\s+2\/3\s+66\.7%$/);
    expect(lines[3]).toMatch(/^02-sql-advanced \(!\)/);
    expect(lines.at(-1)).toMatch(/^All\s+1\s+1\s+2\s+33\.3%$/);
  });
});

describe('copied-solution flags, type errors and the minimum score', () => {
  test('are reported in the JUnit properties, the summary and the console table', () => {
    const r = report();
    const xml = toJunit(r);
    assertWellFormed(xml);
    expect(xml).toContain('<property name="copied-solution" value="labs/01-sql-basics/users.ts (identical to the reference)"/>');
    expect(xml).toContain('<property name="type-error" value="labs/01-sql-basics/users.ts:3:7 Type &apos;string&apos; is not assignable to type &apos;number&apos;."/>');
    const md = toMarkdown(r);
    expect(md).toContain('> - 01-sql-basics: `labs/01-sql-basics/users.ts (identical to the reference)`');
    expect(md).toContain("- **type error** labs/01-sql-basics/users.ts:3:7 Type 'string'");
    expect(md).toContain('- Minimum score: 50.0%: **not reached**');
    expect(toConsoleTable(r)).toMatch(/01-sql-basics \(copy\?\)/);
  });
});
