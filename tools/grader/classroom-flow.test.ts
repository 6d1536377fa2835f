// The GitHub Classroom flow, for real: a student's repository (a throwaway git repository holding
// lab 05 as the template commit, prepared once for both tests) where the student committed an
// emptied test file, a copy of the reference keys.ts and a type error in strings.ts. The grader
// runs as a child process, the way the workflow runs it, with the tests pinned to the template
// commit; then a second run is interrupted with SIGINT.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ROOT } from '../labs/meta.ts';
import { TestState } from '../runner/results.ts';
import type { ClassroomResult } from './classroom.ts';
import type { GradeReport } from './report.ts';

const LAB = '05-redis-structures';
/** The grade.json shown in docs/guide/instructors.md: this test's run, trimmed (UPDATE_SAMPLES=1 rewrites it). */
const SAMPLE = path.join(ROOT, 'tools/grader/sample-grade.json');

/** The sample a run gives: every field kept, the tests cut to three, machine-specific values made up. */
function sampleOf(report: GradeReport): GradeReport {
  return {
    ...report,
    dir: '/home/student/workbook',
    gradedAt: '2026-11-30T09:00:00.000Z',
    canonicalTests: 'git 3f2c1e0 (commit 3f2c1e0) of /home/student/workbook',
    durationMs: 41000,
    labs: report.labs.map((lab) => ({
      ...lab,
      tests: lab.tests.slice(0, 3).map((t) => (t.message ? { ...t, message: t.message.split('\n')[0]! } : t)),
    })),
  };
}

/** Every key path of a value (arrays by their first item), so a field added to grade.json shows. */
function shapeOf(value: unknown, at = ''): string[] {
  if (Array.isArray(value)) return value.length ? shapeOf(value[0], `${at}[]`) : [`${at}[]`];
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [`${at}.${k}`, ...shapeOf(v, `${at}.${k}`)]);
  return [];
}

function expectSampleToMatch(report: GradeReport): void {
  const real = sampleOf(report);
  if (process.env.UPDATE_SAMPLES === '1' || !existsSync(SAMPLE)) writeFileSync(SAMPLE, `${JSON.stringify(real, null, 2)}\n`);
  const sample = JSON.parse(readFileSync(SAMPLE, 'utf8')) as GradeReport;
  const hint = 'the sample grade.json of docs/guide/instructors.md is out of date: run this test with UPDATE_SAMPLES=1';
  expect(shapeOf(sample).sort(), hint).toEqual(shapeOf(real).sort());
  const counts = (r: GradeReport) => r.labs.map(({ id, passed, failed, total, score, copies }) => ({ id, passed, failed, total, score, copies }));
  expect(counts(sample), hint).toEqual(counts(real));
  expect(sample.editedTests, hint).toEqual(real.editedTests);
}
let tmp: string;
let repo: string;
let template: string;

const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] }).toString().trim();

/** Starts `npm run grade` (through the launcher, as npm does); `done` resolves with its exit code and output. */
function grade(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [path.join(ROOT, 'tools/cli/launch.mjs'), 'grade', ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', WORKBOOK_QUIET: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const done = new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, output }));
  });
  return { child, done };
}

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'workbook-classroom-'));
  repo = path.join(tmp, 'student');
  for (const dir of ['labs', 'solutions']) cpSync(path.join(ROOT, dir, LAB), path.join(repo, dir, LAB), { recursive: true });
  git('init', '-q');
  git('add', '.');
  git('commit', '-qm', 'template');
  template = git('rev-parse', 'HEAD');
  // The student: copies the reference keys.ts, empties the SCAN tests (keeping their names) and
  // leaves a type error in strings.ts.
  cpSync(path.join(repo, 'solutions', LAB, 'keys.ts'), path.join(repo, 'labs', LAB, 'keys.ts'));
  const strings = path.join(repo, 'labs', LAB, 'strings.ts');
  writeFileSync(strings, `${readFileSync(strings, 'utf8')}\nexport const notANumber: number = 'not a number';\n`);
  writeFileSync(
    path.join(repo, 'labs', LAB, 'scan.test.ts'),
    "import { describe, test } from 'vitest';\ndescribe('SCAN instead of KEYS', () => {\n  test('finds exactly the matching keys, once each, sorted', () => {});\n});\n",
  );
  git('commit', '-qam', 'done');
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('grading in a GitHub Classroom repository', () => {
  test('grades with the pinned tests, flags the copy and the edited test, and exits 1 below --min-score', async () => {
    const out = path.join(tmp, 'out');
    mkdirSync(out);
    const githubOutput = path.join(tmp, 'github-output');
    const { code, output } = await grade(['--dir', repo, '--out', out, '--tests-from', template, '--lab', '05', '--min-score', '90%'], { GITHUB_OUTPUT: githubOutput }).done;

    expect(code, output).toBe(1);
    const report = JSON.parse(readFileSync(path.join(out, 'grade.json'), 'utf8')) as GradeReport;
    expect(report.canonicalTests).toContain(`(commit ${template.slice(0, 7)}`);
    expect(report.testsDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(report.editedTests).toEqual({ modified: [`labs/${LAB}/scan.test.ts`], added: [], deleted: [] });
    const [lab] = report.labs;
    expect(lab?.id).toBe(LAB);
    const scan = lab!.tests.filter((t) => t.group === 'SCAN instead of KEYS');
    expect(scan.length).toBeGreaterThan(1); // the canonical tests, not the student's one
    expect(scan.every((t) => t.state === TestState.FAILED)).toBe(true);
    expect(lab!.tests.filter((t) => t.group === 'keys').every((t) => t.state === TestState.PASSED)).toBe(true);
    expect(lab!.copies).toEqual([{ file: `labs/${LAB}/keys.ts`, similarity: 1, identical: true }]);
    expect(lab!.typeErrors).toEqual([expect.stringMatching(new RegExp(`^labs/${LAB}/strings\\.ts:\\d+:\\d+ Type 'string' is not assignable to type 'number'`))]);
    expect(report.minScoreReached).toBe(false);

    expect(readFileSync(path.join(out, 'junit.xml'), 'utf8')).toContain(`name="copied-solution" value="labs/${LAB}/keys.ts (identical to the reference)"`);
    const summary = readFileSync(path.join(out, 'summary.md'), 'utf8');
    expect(summary).toContain(`- modified: \`labs/${LAB}/scan.test.ts\``);
    expect(summary).toContain(`labs/${LAB}/keys.ts (identical to the reference)`);

    expectSampleToMatch(report);

    const line = readFileSync(githubOutput, 'utf8').trim();
    expect(line).toMatch(/^result=/);
    const classroom = JSON.parse(Buffer.from(line.slice('result='.length), 'base64').toString()) as ClassroomResult;
    expect(classroom).toMatchObject({ version: 1, status: 'fail', max_score: 10 });
    expect(classroom.tests[0]?.message).toContain('keys.ts is identical to the reference solution');
  });

  test('Ctrl-C while grading removes the grading workspace and exits 130', async () => {
    const scratch = mkdtempSync(path.join(tmp, 'tmpdir-'));
    const { child, done } = grade(['--dir', repo, '--out', path.join(tmp, 'never'), '--tests-from', template, '--lab', '05'], { TMPDIR: scratch });
    await expect.poll(() => readdirSync(scratch).some((d) => d.startsWith('workbook-grade-')), { timeout: 30_000, interval: 50 }).toBe(true);
    child.kill('SIGINT');
    const result = await done;
    expect(result.code, result.output).toBe(130);
    expect(readdirSync(scratch).filter((d) => d.startsWith('workbook-'))).toEqual([]);
    expect(existsSync(path.join(tmp, 'never'))).toBe(false);
  });
});
