// Build-time data for <LabList /> (the home page's lab table in both languages) and
// <LabObjectives /> (each lesson's objectives, from its lab.json).
import { defineLoader } from 'vitepress';
import { listLabs } from '../../../tools/labs/meta.ts';
import { labRows, type LabRow } from '../labs.ts';

export interface Data {
  en: LabRow[];
  ko: LabRow[];
  /** By lab id: the three objectives in each language. */
  objectives: Record<string, { en: string[]; ko: string[] }>;
}

declare const data: Data;
export { data };

export default defineLoader({
  // In `docs:dev`, a new lab or lesson page refreshes the table.
  watch: ['../../../labs/*/lab.json', '../../labs/*.md', '../../ko/labs/*.md'],
  load: (): Data => ({
    en: labRows('en'),
    ko: labRows('ko'),
    objectives: Object.fromEntries(listLabs().map((lab) => [lab.id, lab.objectives])),
  }),
});
