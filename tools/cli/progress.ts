// The learner's progress: a plain JSON file in the checkout (.workbook/progress.json, gitignored).
// No account, no server: delete the file to start over.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { stepOf, type LabMeta } from '../labs/meta.ts';
import { TestState, type TestOutcome } from '../runner/results.ts';

export const LabStatus = {
  NOT_STARTED: 'not-started',
  FAILING: 'failing',
  DONE: 'done',
  /** The last run could not test anything (setup problem, a file that does not load). */
  BROKEN: 'broken',
} as const;
export type LabStatus = (typeof LabStatus)[keyof typeof LabStatus];

const LabProgressSchema = z.object({
  status: z.enum([LabStatus.FAILING, LabStatus.DONE, LabStatus.BROKEN]).optional(),
  passed: z.number().int().nonnegative().optional(),
  failed: z.number().int().nonnegative().optional(),
  total: z.number().int().nonnegative().optional(),
  lastRun: z.string().optional(),
  /** The step of the first failing test in the last run (lab.json step id); `hint` shows its hints. */
  step: z.string().optional(),
  /** Per step id: did every test of the step pass in the last run that ran it. */
  steps: z.record(z.string(), z.boolean()).optional(),
  /** Hints shown so far, per step id. */
  hints: z.record(z.string(), z.number().int().nonnegative()).optional(),
});
export type LabProgress = z.infer<typeof LabProgressSchema>;

const ProgressSchema = z.object({
  version: z.literal(1),
  labs: z.record(z.string(), LabProgressSchema),
});
export type Progress = z.infer<typeof ProgressSchema>;

export interface RunTally {
  passed: number;
  failed: number;
  total: number;
  /** The run hit a setup or load problem. */
  broken: boolean;
  /** The step of the first failing test (lab.json step id), if any. */
  step?: string;
  /** Per step id that ran: did all its tests pass. */
  steps?: Record<string, boolean>;
}

/**
 * Pure: per step that ran (by its tests' top-level describe), whether all its tests passed.
 * With `someOfEach` (a run limited by test name, `-t`) only part of a step may have run, so a
 * step whose tests that ran all passed is left out: a failure is news, a pass is not "done".
 */
export function tallySteps(lab: Pick<LabMeta, 'steps'>, tests: Array<Pick<TestOutcome, 'group' | 'state'>>, someOfEach = false): Record<string, boolean> {
  const result: Record<string, boolean> = {};
  for (const t of tests) {
    if (t.state === TestState.SKIPPED) continue;
    const step = stepOf(lab, t.group);
    if (step) result[step.id] = (result[step.id] ?? true) && t.state === TestState.PASSED;
  }
  return someOfEach ? Object.fromEntries(Object.entries(result).filter(([, passed]) => !passed)) : result;
}

export function statusOf(entry: LabProgress | undefined): LabStatus {
  return entry?.status ?? LabStatus.NOT_STARTED;
}

/** Pure: the entry after a run. */
export function afterRun(entry: LabProgress | undefined, tally: RunTally, now: Date): LabProgress {
  const status = tally.broken ? LabStatus.BROKEN : tally.total > 0 && tally.failed === 0 ? LabStatus.DONE : LabStatus.FAILING;
  const { step: _previous, ...rest } = entry ?? {};
  void _previous;
  return {
    ...rest,
    status,
    passed: tally.passed,
    failed: tally.failed,
    total: tally.total,
    lastRun: now.toISOString(),
    ...(tally.step ? { step: tally.step } : {}),
    ...(tally.steps ? { steps: { ...entry?.steps, ...tally.steps } } : {}),
  };
}

/**
 * Names another progress file than `.workbook/progress.json` of the checkout: the CLI's own tests
 * run the real CLI on a state of their own, never the learner's.
 */
export const PROGRESS_FILE_ENV = 'WORKBOOK_PROGRESS_FILE';

export class ProgressStore {
  constructor(readonly file: string) {}

  /** The progress of the checkout at `root`: `.workbook/progress.json`, or the file `WORKBOOK_PROGRESS_FILE` names. */
  static in(root: string, env: NodeJS.ProcessEnv = {}): ProgressStore {
    return new ProgressStore(env[PROGRESS_FILE_ENV] || path.join(root, '.workbook', 'progress.json'));
  }

  read(): Progress {
    let raw: string;
    try {
      raw = readFileSync(this.file, 'utf8');
    } catch {
      return { version: 1, labs: {} };
    }
    // A hand-edited or older file should not stop the workbook: start from a clean slate.
    let data: unknown;
    try {
      data = JSON.parse(raw);
    } catch {
      return { version: 1, labs: {} };
    }
    const parsed = ProgressSchema.safeParse(data);
    return parsed.success ? parsed.data : { version: 1, labs: {} };
  }

  lab(id: string): LabProgress | undefined {
    return this.read().labs[id];
  }

  update(id: string, change: (entry: LabProgress | undefined) => LabProgress | undefined): LabProgress | undefined {
    const progress = this.read();
    const next = change(progress.labs[id]);
    if (next === undefined) delete progress.labs[id];
    else progress.labs[id] = next;
    this.write(progress);
    return next;
  }

  private write(progress: Progress): void {
    mkdirSync(path.dirname(this.file), { recursive: true });
    // Write-then-rename, so an interrupted write never leaves half a file behind.
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(progress, null, 2)}\n`);
    renameSync(tmp, this.file);
  }
}
