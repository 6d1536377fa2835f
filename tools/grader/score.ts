// Points and scores: pure functions over test outcomes and a lab's `points` (lab.json).
//
// A top-level `describe` listed in `points` is worth that many points, shared equally by its tests.
// Every other test is worth 1 point. Skipped tests are worth nothing either way.
// A lab's score is earned / possible (0..1); the overall score is the mean of the labs' scores.
import { TestState, type TestOutcome } from '../runner/results.ts';

export interface GradedTest {
  name: string;
  fullName: string;
  file: string;
  group: string | null;
  state: TestState;
  /** Points this test is worth. */
  points: number;
  /** Points it earned: `points` when it passed, else 0. */
  earned: number;
  message?: string;
}

export interface LabScore {
  passed: number;
  failed: number;
  /** passed + failed. */
  total: number;
  earned: number;
  possible: number;
  /** earned / possible, 0 when nothing is possible. */
  score: number;
  tests: GradedTest[];
}

const round = (n: number, digits = 4) => Math.round(n * 10 ** digits) / 10 ** digits;

export function scoreLab(tests: TestOutcome[], points: Record<string, number>): LabScore {
  const counted = tests.filter((t) => t.state !== TestState.SKIPPED);
  const perGroup = new Map<string, number>();
  for (const t of counted) if (t.group !== null && points[t.group] !== undefined) perGroup.set(t.group, (perGroup.get(t.group) ?? 0) + 1);

  // Sums use the exact shares; only what is shown is rounded (3 tests sharing 10 points earn 10, not 9.9999).
  let possible = 0;
  let earned = 0;
  const graded: GradedTest[] = tests.map((t) => {
    const inGroup = t.group !== null && points[t.group] !== undefined;
    const worth = t.state === TestState.SKIPPED ? 0 : inGroup ? points[t.group!]! / perGroup.get(t.group!)! : 1;
    possible += worth;
    if (t.state === TestState.PASSED) earned += worth;
    const g: GradedTest = {
      name: t.name,
      fullName: t.fullName,
      file: t.file,
      group: t.group,
      state: t.state,
      points: round(worth),
      earned: round(t.state === TestState.PASSED ? worth : 0),
    };
    if (t.failure) g.message = t.failure.message;
    return g;
  });
  const passed = counted.filter((t) => t.state === TestState.PASSED).length;
  return {
    passed,
    failed: counted.length - passed,
    total: counted.length,
    earned: round(earned),
    possible: round(possible),
    score: possible > 0 ? round(earned / possible) : 0,
    tests: graded,
  };
}

/** The mean of the labs' scores (each lab weighs the same, however many tests it has). */
export function overallScore(scores: number[]): number {
  return scores.length ? round(scores.reduce((a, b) => a + b, 0) / scores.length) : 0;
}
