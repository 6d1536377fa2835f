// Stage 3 of the drift check: every difference between the expected schema and the catalog. Pure.
import type { Catalog, CatalogTable, ReferentialAction } from './catalog.ts';
import type { ExpectedDefault, ExpectedSchema, ExpectedTable } from './expected.ts';
import { DriftCode, IGNORED_TABLES, type DriftProblem } from './problems.ts';


/** Removes casts, parentheses and quotes, so `'pending'::job_status` and `pending` compare equal. */
export function normalizeDefault(expression: string): string {
  let s = expression.trim();
  for (;;) {
    const next = s.replace(/::[a-z_][a-z0-9_ ]*(\([0-9, ]*\))?( without time zone| with time zone)?(\[\])?$/i, '').trim();
    const unwrapped = next.startsWith('(') && next.endsWith(')') ? next.slice(1, -1).trim() : next;
    if (unwrapped === s) break;
    s = unwrapped;
  }
  if (s.startsWith("'") && s.endsWith("'") && s.length >= 2) s = s.slice(1, -1).replace(/''/g, "'");
  return s;
}

function defaultMatches(expected: ExpectedDefault, actual: string | null): boolean {
  switch (expected.kind) {
    case 'none':
      return actual === null;
    case 'any':
      return actual !== null;
    case 'sequence':
      return actual !== null && /^nextval\(/.test(actual);
    case 'now':
      return actual !== null && /^(CURRENT_TIMESTAMP|now\(\))/i.test(actual);
    case 'value':
      return actual !== null && normalizeDefault(actual) === expected.value;
  }
}

function describeDefault(expected: ExpectedDefault): string {
  switch (expected.kind) {
    case 'none':
      return 'no DEFAULT';
    case 'any':
      return 'a DEFAULT (dbgenerated)';
    case 'sequence':
      return 'a sequence DEFAULT (SERIAL / BIGSERIAL)';
    case 'now':
      return 'DEFAULT CURRENT_TIMESTAMP';
    case 'value':
      return `DEFAULT ${expected.value}`;
  }
}

const sameList = <T>(a: readonly T[], b: readonly T[]) => a.length === b.length && a.every((x, i) => x === b[i]);
const squash = (name: string) => name.replace(/_/g, '').toLowerCase();
const list = (columns: readonly string[]) => `(${columns.join(', ')})`;

export interface CompareOptions {
  /** Tables never reported as extra. @default IGNORED_TABLES */
  ignoreTables?: readonly string[];
}

/** Every difference between what the schema describes and what the catalog holds. Pure. */
export function compareSchemas(expected: ExpectedSchema, actual: Catalog, options: CompareOptions = {}): DriftProblem[] {
  const ignore = new Set(options.ignoreTables ?? IGNORED_TABLES);
  const problems: DriftProblem[] = [];
  const add = (code: DriftCode, table: string, object: string | undefined, message: string) =>
    problems.push(object === undefined ? { code, table, message } : { code, table, object, message });

  for (const [name, values] of Object.entries(expected.enums)) {
    const have = actual.enums[name];
    if (!have) {
      add(DriftCode.MISSING_ENUM, name, undefined, `enum type "${name}" is missing (CREATE TYPE "${name}" AS ENUM (${values.map((v) => `'${v}'`).join(', ')}))`);
      continue;
    }
    const missing = values.filter((v) => !have.includes(v));
    const extra = have.filter((v) => !values.includes(v));
    if (missing.length || extra.length) {
      add(DriftCode.ENUM_VALUES, name, undefined,
        `enum type "${name}": ${missing.length ? `missing ${missing.map((v) => `'${v}'`).join(', ')}` : ''}${missing.length && extra.length ? '; ' : ''}${extra.length ? `not in the schema: ${extra.map((v) => `'${v}'`).join(', ')}` : ''}`);
    }
  }
  for (const name of Object.keys(actual.enums)) {
    if (!(name in expected.enums)) add(DriftCode.EXTRA_ENUM, name, undefined, `enum type "${name}" exists in the database but not in schema.prisma`);
  }

  for (const [table, want] of Object.entries(expected.tables)) {
    const have = actual.tables[table];
    if (!have) {
      add(DriftCode.MISSING_TABLE, table, undefined, `table "${table}" is missing (model ${want.model})`);
      continue;
    }
    compareColumns(table, want, have, add);
    compareIndexes(table, want, have, add);
    compareForeignKeys(table, want, have, add);
  }
  for (const table of Object.keys(actual.tables)) {
    if (!(table in expected.tables) && !ignore.has(table)) {
      add(DriftCode.EXTRA_TABLE, table, undefined, `table "${table}" exists in the database but no model maps to it`);
    }
  }
  return problems;
}

type Add = (code: DriftCode, table: string, object: string | undefined, message: string) => void;

function compareColumns(table: string, want: ExpectedTable, have: CatalogTable, add: Add) {
  for (const [column, w] of Object.entries(want.columns)) {
    const h = have.columns[column];
    const where = `table "${table}": column "${column}"`;
    if (!h) {
      add(DriftCode.MISSING_COLUMN, table, column, `${where} is missing (${w.source})`);
      continue;
    }
    if (h.type !== w.type) add(DriftCode.COLUMN_TYPE, table, column, `${where} is ${h.type}, expected ${w.type} (${w.source})`);
    if (h.nullable !== w.nullable) {
      add(DriftCode.COLUMN_NULLABILITY, table, column,
        `${where} is ${h.nullable ? 'nullable' : 'NOT NULL'}, expected ${w.nullable ? 'nullable' : 'NOT NULL'} (${w.source})`);
    }
    if (!defaultMatches(w.default, h.default)) {
      add(DriftCode.COLUMN_DEFAULT, table, column,
        `${where} has ${h.default === null ? 'no DEFAULT' : `DEFAULT ${h.default}`}, expected ${describeDefault(w.default)} (${w.source})`);
    }
  }
  for (const column of Object.keys(have.columns)) {
    if (!(column in want.columns)) {
      add(DriftCode.EXTRA_COLUMN, table, column, `table "${table}": column "${column}" exists in the database but not in model ${want.model}`);
    }
  }
}

function compareIndexes(table: string, want: ExpectedTable, have: CatalogTable, add: Add) {
  const byName = new Map(have.indexes.map((i) => [i.name, i]));
  const matched = new Set<string>();
  for (const w of want.indexes) {
    const h = byName.get(w.name);
    const kind = w.primary ? 'primary key' : w.unique ? 'unique index' : 'index';
    if (!h) {
      const lookalike = have.indexes.find((i) => sameList(i.columns, w.columns) && !want.indexes.some((x) => x.name === i.name));
      if (lookalike) matched.add(lookalike.name);
      add(DriftCode.MISSING_INDEX, table, w.name,
        `table "${table}": ${kind} "${w.name}" on ${list(w.columns)} is missing (${w.source})` +
          (lookalike ? `; an index "${lookalike.name}" covers the same columns: Prisma expects the name "${w.name}"` : ''));
      continue;
    }
    matched.add(h.name);
    const diffs: string[] = [];
    if (!sameList(h.columns, w.columns)) diffs.push(`columns ${list(h.columns)}, expected ${list(w.columns)}`);
    if (h.primary !== w.primary) diffs.push(h.primary ? 'is a primary key, expected not' : 'is not the primary key');
    else if (h.unique !== w.unique) diffs.push(h.unique ? 'is UNIQUE, expected not unique' : 'is not UNIQUE');
    if (h.method !== w.method) diffs.push(`uses ${h.method}, expected ${w.method}`);
    if (!sameList(h.descending, w.descending)) diffs.push(`sort order ${h.descending.map((d) => (d ? 'DESC' : 'ASC')).join(', ')}, expected ${w.descending.map((d) => (d ? 'DESC' : 'ASC')).join(', ')}`);
    w.opclasses.forEach((op, i) => {
      const hop = h.opclasses[i];
      if (!hop) return;
      if (op === null ? !hop.isDefault : squash(op) !== squash(hop.name)) {
        diffs.push(`operator class ${hop.name} on ${h.columns[i] ?? `column ${i + 1}`}, expected ${op ?? 'the default one'}`);
      }
    });
    if (diffs.length) add(DriftCode.INDEX_DEFINITION, table, w.name, `table "${table}": ${kind} "${w.name}" ${diffs.join('; ')} (${w.source})`);
  }
  for (const h of have.indexes) {
    if (!matched.has(h.name)) {
      add(DriftCode.EXTRA_INDEX, table, h.name,
        `table "${table}": ${h.unique ? 'unique ' : ''}index "${h.name}" on ${list(h.columns)} exists in the database but not in model ${want.model}`);
    }
  }
}

function compareForeignKeys(table: string, want: ExpectedTable, have: CatalogTable, add: Add) {
  const matched = new Set<string>();
  for (const w of want.foreignKeys) {
    // Matched by what it links, not by name: Prisma's @relation(map: ...) is not in the DMMF.
    const h = have.foreignKeys.find((f) => sameList(f.columns, w.columns) && f.refTable === w.refTable && sameList(f.refColumns, w.refColumns));
    const what = `foreign key ${list(w.columns)} -> ${w.refTable}${list(w.refColumns)}`;
    if (!h) {
      add(DriftCode.MISSING_FOREIGN_KEY, table, w.name, `table "${table}": ${what} is missing (${w.source})`);
      continue;
    }
    matched.add(h.name);
    if (h.onDelete !== w.onDelete || h.onUpdate !== w.onUpdate) {
      add(DriftCode.FOREIGN_KEY_ACTION, table, h.name,
        `table "${table}": ${what} has ON DELETE ${sqlAction(h.onDelete)} ON UPDATE ${sqlAction(h.onUpdate)}, ` +
          `expected ON DELETE ${sqlAction(w.onDelete)} ON UPDATE ${sqlAction(w.onUpdate)} (${w.source})`);
    }
  }
  for (const h of have.foreignKeys) {
    if (!matched.has(h.name)) {
      add(DriftCode.EXTRA_FOREIGN_KEY, table, h.name,
        `table "${table}": foreign key "${h.name}" ${list(h.columns)} -> ${h.refTable}${list(h.refColumns)} exists in the database but no relation in model ${want.model} describes it`);
    }
  }
}

const sqlAction = (action: ReferentialAction) => action.replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase();
