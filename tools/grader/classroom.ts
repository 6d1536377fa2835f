// GitHub Classroom's autograding reporter (classroom-resources/autograding-grading-reporter)
// reads one base64-encoded JSON result per grading step, from `<STEP_ID>_RESULTS`. The grader
// writes that result (classroom.json) and, inside GitHub Actions, sets it as the step's `result`
// output. Each lab is one "test" worth POINTS_PER_LAB, so the points mirror the overall score
// (the mean of the labs' scores) rather than the labs' test counts.
import { appendFileSync } from 'node:fs';
import type { GradeReport } from './report.ts';

export const POINTS_PER_LAB = 10;

/** Version 1 of the reporter's input (one runner's result). */
export interface ClassroomResult {
  version: 1;
  status: 'pass' | 'fail' | 'error';
  max_score: number;
  tests: Array<{ name: string; status: 'pass' | 'fail' | 'error'; score: number; message: string; execution_time?: string }>;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** Pure: a lab passes when every test passed; the result passes when the score reached --min-score (or no minimum is set). */
export function toClassroom(report: GradeReport): ClassroomResult {
  return {
    version: 1,
    status: report.minScoreReached ? 'pass' : 'fail',
    max_score: POINTS_PER_LAB * report.labs.length,
    tests: report.labs.map((lab) => {
      const notes = [
        `${lab.passed}/${lab.total} tests passed, ${lab.earned}/${lab.possible} points`,
        ...lab.problems.map((p) => `${p.kind} problem in ${p.file ?? lab.id}`),
        ...lab.copies.map((c) => `${c.file} ${c.identical ? 'is identical to' : 'is nearly identical to'} the reference solution`),
        ...(lab.typeErrors.length ? [`${lab.typeErrors.length} type error(s)`] : []),
      ];
      return {
        name: `${lab.id}: ${lab.title}`,
        status: lab.total > 0 && lab.failed === 0 ? 'pass' : 'fail',
        score: round2(POINTS_PER_LAB * lab.score),
        message: notes.join('; '),
      };
    }),
  };
}

/** Inside GitHub Actions (GITHUB_OUTPUT set): `result=<base64 JSON>` for the reporter. Returns whether it wrote. */
export function setActionsOutput(result: ClassroomResult, env: Record<string, string | undefined> = process.env): boolean {
  if (!env.GITHUB_OUTPUT) return false;
  appendFileSync(env.GITHUB_OUTPUT, `result=${Buffer.from(JSON.stringify(result)).toString('base64')}\n`);
  return true;
}
