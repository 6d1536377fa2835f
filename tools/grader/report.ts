// The grade report (grade.json) and its renderings: JUnit XML, Markdown, a console table.
import { summaryLine, TestState } from '../runner/results.ts';
import type { Problem } from '../runner/results.ts';
import type { CopyFlag } from './copies.ts';
import type { EditedTests } from './integrity.ts';
import { hasEdits } from './integrity.ts';
import type { LabScore } from './score.ts';

export interface LabGrade extends LabScore {
  id: string;
  title: string;
  /** Problems other than failed tests: a file that did not load, an error outside any test. */
  problems: Problem[];
  /** Learner files identical or near-identical to the reference solution (reported, never scored). */
  copies: CopyFlag[];
  /** Type errors in the lab's learner files (reported, never scored): `file:line:col message`. */
  typeErrors: string[];
}

export interface GradeReport {
  target: string;
  /** The graded checkout. */
  dir: string;
  gradedAt: string;
  /** Where the tests used for grading came from. */
  canonicalTests: string;
  /** sha256 over the tests and lab.json files used (pin it with --tests-sha256). */
  testsDigest: string;
  editedTests: EditedTests;
  labs: LabGrade[];
  /** Problems that belong to no lab (an error outside any test file). */
  problems: Problem[];
  passed: number;
  failed: number;
  total: number;
  /** Mean of the labs' scores, 0..1. */
  score: number;
  /** --min-score, 0..1, or null when none was set. */
  minScore: number | null;
  /** score >= minScore (true when no minimum was set): the grader exits 0 only then. */
  minScoreReached: boolean;
  durationMs: number;
}

const copyNote = (c: CopyFlag) => `${c.file} (${c.identical ? 'identical to the reference' : `${Math.round(c.similarity * 100)}% like the reference`})`;

const pct = (score: number) => `${(score * 100).toFixed(1)}%`;

// ---- JUnit XML ---------------------------------------------------------------------------------
// Written from the grade, not by vitest's `junit` reporter: that one would report per test file,
// name the throwaway workspace, show a test the watchdog stopped as skipped, and miss the tests of
// a file that did not load, so junit.xml would disagree with grade.json.

// XML 1.0 allows tab, LF, CR and everything from U+0020 up (minus surrogates and U+FFFE/U+FFFF).
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding the control characters XML forbids is the point
const INVALID_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff\ufffe\uffff]/g;

export function xmlEscape(text: string): string {
  return text
    .replace(INVALID_XML, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const attrs = (pairs: Record<string, string | number>) =>
  Object.entries(pairs)
    .map(([k, v]) => `${k}="${xmlEscape(String(v))}"`)
    .join(' ');

export function toJunit(report: GradeReport): string {
  const edits = report.editedTests;
  const editList = [...edits.modified.map((f) => `modified: ${f}`), ...edits.added.map((f) => `added: ${f}`), ...edits.deleted.map((f) => `deleted: ${f}`)];
  const problemsTotal = report.labs.reduce((n, l) => n + l.problems.length, 0) + (hasEdits(edits) ? 1 : 0);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites ${attrs({ name: `workbook grade (${report.target})`, tests: report.total + 1, failures: report.failed, errors: problemsTotal, time: (report.durationMs / 1000).toFixed(3) })}>`,
    `  <testsuite ${attrs({ name: 'integrity', tests: 1, failures: hasEdits(edits) ? 1 : 0, errors: 0, skipped: 0 })}>`,
    `    <testcase ${attrs({ classname: 'integrity', name: 'test files match the workbook' })}>`,
  ];
  if (hasEdits(edits)) {
    lines.push(`      <failure ${attrs({ message: `${editList.length} test file(s) edited in the graded checkout; graded with the originals`, type: 'EditedTests' })}>${xmlEscape(editList.join('\n'))}</failure>`);
  }
  lines.push('    </testcase>', '  </testsuite>');

  for (const lab of report.labs) {
    const skipped = lab.tests.filter((t) => t.state === TestState.SKIPPED).length;
    lines.push(`  <testsuite ${attrs({ name: lab.id, tests: lab.total + skipped + lab.problems.length, failures: lab.failed, errors: lab.problems.length, skipped })}>`);
    lines.push('    <properties>', `      <property ${attrs({ name: 'score', value: lab.score })}/>`, `      <property ${attrs({ name: 'points', value: `${lab.earned}/${lab.possible}` })}/>`);
    for (const c of lab.copies) lines.push(`      <property ${attrs({ name: 'copied-solution', value: copyNote(c) })}/>`);
    for (const e of lab.typeErrors) lines.push(`      <property ${attrs({ name: 'type-error', value: e })}/>`);
    lines.push('    </properties>');
    for (const t of lab.tests) {
      const open = `    <testcase ${attrs({ classname: `${lab.id}.${t.file.split('/').pop()!.replace(/\.test\.ts$/, '')}`, name: t.fullName, file: t.file })}`;
      if (t.state === TestState.PASSED) lines.push(`${open}/>`);
      else if (t.state === TestState.SKIPPED) lines.push(`${open}>`, '      <skipped/>', '    </testcase>');
      else {
        lines.push(`${open}>`, `      <failure ${attrs({ message: summaryLine(t.message ?? 'failed'), type: 'AssertionError' })}>${xmlEscape(t.message ?? '')}</failure>`, '    </testcase>');
      }
    }
    for (const p of lab.problems) {
      lines.push(
        `    <testcase ${attrs({ classname: `${lab.id}.problems`, name: `${p.kind}: ${p.file ?? lab.id}` })}>`,
        `      <error ${attrs({ message: summaryLine(p.message), type: p.kind })}>${xmlEscape(p.message)}</error>`,
        '    </testcase>',
      );
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>', '');
  return lines.join('\n');
}

// ---- Markdown and console ----------------------------------------------------------------------

const mdCell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function toMarkdown(report: GradeReport): string {
  const out = [
    `# Grade: ${pct(report.score)}`,
    '',
    `- Target: \`${report.target}\``,
    `- Checkout: \`${report.dir}\``,
    `- Graded at: ${report.gradedAt}`,
    `- Tests: ${report.passed} passed, ${report.failed} failed, ${report.total} in all`,
    `- Tests used: ${report.canonicalTests} (sha256 \`${report.testsDigest}\`)`,
    ...(report.minScore === null ? [] : [`- Minimum score: ${pct(report.minScore)}: ${report.minScoreReached ? 'reached' : '**not reached**'}`]),
    '',
  ];
  const e = report.editedTests;
  if (hasEdits(e)) {
    out.push('> [!WARNING]', '> Test files were edited in the graded checkout. They were graded with the original tests.');
    for (const f of e.modified) out.push(`> - modified: \`${f}\``);
    for (const f of e.added) out.push(`> - added: \`${f}\``);
    for (const f of e.deleted) out.push(`> - deleted: \`${f}\``);
    out.push('');
  } else {
    out.push('Test files: unchanged.', '');
  }
  out.push('| Lab | Title | Passed | Failed | Total | Points | Score |', '| --- | --- | ---: | ---: | ---: | ---: | ---: |');
  for (const lab of report.labs) {
    out.push(`| ${lab.id} | ${mdCell(lab.title)} | ${lab.passed} | ${lab.failed} | ${lab.total} | ${lab.earned}/${lab.possible} | ${pct(lab.score)} |`);
  }
  out.push(`| **All** | | ${report.passed} | ${report.failed} | ${report.total} | | **${pct(report.score)}** |`, '');

  const copied = report.labs.filter((l) => l.copies.length);
  if (copied.length) {
    out.push('> [!NOTE]', '> Files identical or nearly identical to the reference solution (comments and whitespace ignored). Reported only; the score does not change.');
    for (const lab of copied) for (const c of lab.copies) out.push(`> - ${lab.id}: \`${copyNote(c)}\``);
    out.push('');
  }

  for (const lab of report.labs) {
    const failing = lab.tests.filter((t) => t.state === TestState.FAILED);
    if (!failing.length && !lab.problems.length && !lab.typeErrors.length) continue;
    out.push(`## ${lab.id}: ${lab.title}`, '');
    for (const p of lab.problems) out.push(`- **${p.kind} problem** in \`${p.file ?? lab.id}\`: ${mdCell(summaryLine(p.message))}`);
    for (const e of lab.typeErrors) out.push(`- **type error** ${mdCell(e)}`);
    for (const t of failing) out.push(`- ✗ ${mdCell(t.fullName)}${t.message ? `: ${mdCell(summaryLine(t.message))}` : ''}`);
    out.push('');
  }
  return out.join('\n');
}

export function toConsoleTable(report: GradeReport): string {
  const rows = [
    ['Lab', 'Passed', 'Failed', 'Total', 'Points', 'Score'],
    ...report.labs.map((l) => [l.id + (l.problems.length ? ' (!)' : '') + (l.copies.length ? ' (copy?)' : ''), String(l.passed), String(l.failed), String(l.total), `${l.earned}/${l.possible}`, pct(l.score)]),
    ['All', String(report.passed), String(report.failed), String(report.total), '', pct(report.score)],
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(rows[0]!), rule, ...rows.slice(1, -1).map(line), rule, line(rows.at(-1)!)].join('\n');
}
