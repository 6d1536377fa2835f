// Lab metadata: labs/NN-topic/lab.json. Read by the CLI, the grader and the docs sidebar.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export const ROOT = path.resolve(import.meta.dirname, '../..');

export const Part = {
  POSTGRES: 'postgres',
  REDIS: 'redis',
  WEBSOCKETS: 'websockets',
  PIPELINE: 'pipeline',
} as const;
export type Part = (typeof Part)[keyof typeof Part];

const Localized = <T extends z.ZodType>(inner: T) => z.object({ en: inner, ko: inner });

export const LabMetaSchema = z.object({
  /** Folder name, e.g. `01-sql-basics`. */
  id: z.string().regex(/^\d\d-[a-z0-9-]+$/),
  part: z.enum([Part.POSTGRES, Part.REDIS, Part.WEBSOCKETS, Part.PIPELINE]),
  title: Localized(z.string().min(1)),
  /** The files the learner edits (relative to the lab folder); `diff` and `reset` work on these. */
  files: z.array(z.string().min(1)).min(1),
  objectives: Localized(z.array(z.string().min(1)).length(3)),
  /** Revealed one at a time by `npm run lab -- hint NN`. */
  hints: Localized(z.array(z.string().min(1)).min(1)),
  /**
   * Points per top-level `describe` block (by its exact title). Tests outside a listed block
   * are worth 1 point each. A block's points are shared equally by its tests.
   */
  points: z.record(z.string(), z.number().positive()).default({}),
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
