// Build-time data for <LabList />: the home page's lab table in both languages.
import { defineLoader } from 'vitepress';
import { labRows, type LabRow } from '../labs.ts';

export interface Data {
  en: LabRow[];
  ko: LabRow[];
}

declare const data: Data;
export { data };

export default defineLoader({
  // In `docs:dev`, a new lab or lesson page refreshes the table.
  watch: ['../../../labs/*/lab.json', '../../labs/*.md', '../../ko/labs/*.md'],
  load: (): Data => ({ en: labRows('en'), ko: labRows('ko') }),
});
