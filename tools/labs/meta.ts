// Lab metadata: labs/NN-topic/lab.json. Read by the CLI, the grader and the docs sidebar.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export const ROOT = path.resolve(import.meta.dirname, '../..');

/** A test file, as vitest's default `include` names them: `x.test.ts`, `x.spec.mjs`, ... */
export const TEST_FILE = /\.(test|spec)\.[cm]?[jt]s$/;

export const Part = {
  POSTGRES: 'postgres',
  REDIS: 'redis',
  WEBSOCKETS: 'websockets',
  PIPELINE: 'pipeline',
} as const;
export type Part = (typeof Part)[keyof typeof Part];

const Localized = <T extends z.ZodType>(inner: T) => z.object({ en: inner, ko: inner });
const Text = Localized(z.string().min(1));

/**
 * One step of a lab, in lesson order. The runner orders failures by step, names the current
 * step's files and lesson section in "Next:", runs one step with `--step N`, and `hint` reveals
 * the current step's hints one at a time.
 */
export const LabStepSchema = z.object({
  /** Short kebab-case name, unique in the lab, e.g. `keys`. */
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/),
  title: Text,
  /** The learner files this step changes (a subset of the lab's `files`), the first one first. */
  files: z.array(z.string().min(1)).min(1),
  /**
   * The tests of this step: titles of top-level `describe` blocks of the lab's test files (exact).
   * Every top-level `describe` of the lab belongs to exactly one step.
   */
  tests: z.array(z.string().min(1)).min(1),
  /** The lesson section, as an anchor of both lesson pages: `#keys` = a heading ending in `{#keys}`. */
  lesson: z.string().regex(/^#[a-z0-9]+(-[a-z0-9]+)*$/),
  /**
   * Revealed one at a time by `npm run lab -- hint NN`, for the step of the first failing test:
   * a nudge first, then the API or concept to use, the code-level hint last.
   */
  hints: z.array(Text).min(1),
});
export type LabStep = z.infer<typeof LabStepSchema>;

export const LabMetaSchema = z
  .object({
    /** Folder name, e.g. `01-sql-basics`. */
    id: z.string().regex(/^\d\d-[a-z0-9-]+$/),
    part: z.enum([Part.POSTGRES, Part.REDIS, Part.WEBSOCKETS, Part.PIPELINE]),
    title: Text,
    /** The files the learner edits (relative to the lab folder); `diff` and `reset` work on these. */
    files: z.array(z.string().min(1)).min(1),
    /** The lesson pages render these (docs/.vitepress/theme): lab.json is their only source. */
    objectives: Localized(z.array(z.string().min(1)).length(3)),
    /** In lesson order. */
    steps: z.array(LabStepSchema).min(1),
    /**
     * Points per top-level `describe` block (by its exact title). Tests outside a listed block
     * are worth 1 point each. A block's points are shared equally by its tests.
     */
    points: z.record(z.string(), z.number().positive()).default({}),
  })
  .superRefine((lab, ctx) => {
    const seenIds = new Set<string>();
    const seenTests = new Map<string, string>();
    lab.steps.forEach((step, i) => {
      if (seenIds.has(step.id)) ctx.addIssue({ code: 'custom', path: ['steps', i, 'id'], message: `step id "${step.id}" is used twice` });
      seenIds.add(step.id);
      for (const file of step.files) {
        if (!lab.files.includes(file)) ctx.addIssue({ code: 'custom', path: ['steps', i, 'files'], message: `"${file}" is not one of the lab's files` });
      }
      for (const test of step.tests) {
        const other = seenTests.get(test);
        if (other) ctx.addIssue({ code: 'custom', path: ['steps', i, 'tests'], message: `"${test}" already belongs to step "${other}"` });
        seenTests.set(test, step.id);
      }
    });
    for (const group of Object.keys(lab.points)) {
      if (!seenTests.has(group)) ctx.addIssue({ code: 'custom', path: ['points', group], message: `"${group}" is in no step's tests` });
    }
  });
export type LabMeta = z.infer<typeof LabMetaSchema>;

export function labsDir(root = ROOT) {
  return path.join(root, 'labs');
}

export function readLabMeta(labDir: string): LabMeta {
  const file = path.join(labDir, 'lab.json');
  const parsed = LabMetaSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file} is not a valid lab meta file:\n${z.prettifyError(parsed.error)}`);
  if (parsed.data.id !== path.basename(labDir)) throw new Error(`${file}: id "${parsed.data.id}" must match its folder name`);
  return parsed.data;
}

/** The step a test belongs to, by the title of its top-level `describe`; undefined when none lists it. */
export function stepOf(lab: Pick<LabMeta, 'steps'>, group: string | null): LabStep | undefined {
  return group === null ? undefined : lab.steps.find((step) => step.tests.includes(group));
}

/** Every lab, in order. */
export function listLabs(root = ROOT): LabMeta[] {
  const dir = labsDir(root);
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && /^\d\d-/.test(d.name) && existsSync(path.join(dir, d.name, 'lab.json')))
    .map((d) => readLabMeta(path.join(dir, d.name)))
    .sort((a, b) => a.id.localeCompare(b.id));
}

/** Finds a lab by number (`1`, `01`) or full id. */
export function findLab(query: string, root = ROOT): LabMeta | undefined {
  const labs = listLabs(root);
  const n = /^\d{1,2}$/.test(query) ? query.padStart(2, '0') : null;
  return labs.find((lab) => lab.id === query || (n !== null && lab.id.startsWith(`${n}-`)));
}
