// Drift check: does the database that the migrations built match what schema.prisma describes?
//
//   schema.prisma --get_datamodel (wasm)--> Datamodel --expectedSchema()--> ExpectedSchema ─┐
//                                                                             ├─ compareSchemas() -> DriftProblem[]
//   migrated database --readCatalog() (pg_catalog)---------------> Catalog ───┘
//
// `prisma migrate diff` answers the same question with Prisma's schema engine, which cannot be
// downloaded everywhere. This checker needs only the DMMF (Prisma's schema parser, compiled to
// wasm and shipped on npm) and the PostgreSQL catalog. It covers what this workbook's schemas
// use: tables, columns (type, nullability, default), primary keys, indexes (columns, order,
// uniqueness, method, operator class), foreign keys (columns, target, ON DELETE / ON UPDATE) and
// enums, and reports anything extra in the database as well as anything missing.
import prismaSchemaWasm from '@prisma/prisma-schema-wasm';

// The parts of Prisma's datamodel (DMMF) the checker reads. `get_datamodel` returns it as JSON.
export interface Datamodel {
  models: DatamodelModel[];
  enums: Array<{ name: string; dbName?: string | null; values: Array<{ name: string; dbName: string | null }> }>;
  indexes: DatamodelIndex[];
}
export interface DatamodelModel {
  name: string;
  dbName: string | null;
  fields: DatamodelField[];
}
export interface DatamodelField {
  name: string;
  dbName?: string | null;
  kind: 'scalar' | 'object' | 'enum' | 'unsupported';
  /** `String`, `Int`, ..., an enum name or a model name. */
  type: string;
  isList: boolean;
  isRequired: boolean;
  isUnique: boolean;
  isId: boolean;
  isUpdatedAt?: boolean;
  /** `@db.VarChar(191)` is `['VarChar', ['191']]`. */
  nativeType?: [string, string[]] | null;
  default?: { name: string; args: unknown[] } | string | number | boolean | unknown[];
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
  relationOnUpdate?: string;
}
export interface DatamodelIndex {
  model: string;
  type: 'id' | 'normal' | 'unique' | 'fulltext';
  dbName?: string | null;
  algorithm?: string;
  fields: Array<{ name: string; sortOrder?: 'asc' | 'desc'; operatorClass?: string }>;
}
type Model = DatamodelModel;
type Field = DatamodelField;

/** Tables the checker never reports as extra: Prisma's own bookkeeping. */
export const IGNORED_TABLES = ['_prisma_migrations'] as const;

export const DriftCode = {
  MISSING_TABLE: 'missing-table',
  EXTRA_TABLE: 'extra-table',
  MISSING_COLUMN: 'missing-column',
  EXTRA_COLUMN: 'extra-column',
  COLUMN_TYPE: 'column-type',
  COLUMN_NULLABILITY: 'column-nullability',
  COLUMN_DEFAULT: 'column-default',
  MISSING_INDEX: 'missing-index',
  EXTRA_INDEX: 'extra-index',
  INDEX_DEFINITION: 'index-definition',
  MISSING_FOREIGN_KEY: 'missing-foreign-key',
  EXTRA_FOREIGN_KEY: 'extra-foreign-key',
  FOREIGN_KEY_ACTION: 'foreign-key-action',
  MISSING_ENUM: 'missing-enum',
  EXTRA_ENUM: 'extra-enum',
  ENUM_VALUES: 'enum-values',
} as const;
export type DriftCode = (typeof DriftCode)[keyof typeof DriftCode];

export interface DriftProblem {
  code: DriftCode;
  /** The table (or, for enum problems, the enum type) the problem is about. */
  table: string;
  /** The column, index, constraint or enum value, when the problem is about one. */
  object?: string;
  /** One line for a human: what the schema expects and what the database has. */
  message: string;
}

export class SchemaInvalidError extends Error {
  readonly code = 'SCHEMA_INVALID';
  constructor(details: string, options?: ErrorOptions) {
    super(`schema.prisma is not valid, so it cannot be compared with the database:\n${details}`, options);
    this.name = 'SchemaInvalidError';
  }
}

// ---- what the database holds -----------------------------------------------------------------

export interface CatalogColumn {
  /** As `format_type()` prints it: `integer`, `text`, `timestamp(3) without time zone`, `job_status`. */
  type: string;
  nullable: boolean;
  /** As `pg_get_expr()` prints it (`CURRENT_TIMESTAMP`, `'{}'::jsonb`, `nextval(...)`), or null. */
  default: string | null;
}

export interface CatalogIndex {
  name: string;
  columns: string[];
  /** One per column: true where the column is sorted descending. */
  descending: boolean[];
  unique: boolean;
  primary: boolean;
  /** Access method: `btree`, `gin`, `gist`, `hash`, `brin`. */
  method: string;
  /** One per column: the operator class, and whether it is the type's default one. */
  opclasses: Array<{ name: string; isDefault: boolean }>;
  /** Partial (WHERE) or expression indexes: Prisma cannot describe these. */
  partialOrExpression: boolean;
}

export interface CatalogForeignKey {
  name: string;
  columns: string[];
  refTable: string;
  refColumns: string[];
  onDelete: ReferentialAction;
  onUpdate: ReferentialAction;
}

export interface CatalogTable {
  columns: Record<string, CatalogColumn>;
  indexes: CatalogIndex[];
  foreignKeys: CatalogForeignKey[];
}

export interface Catalog {
  tables: Record<string, CatalogTable>;
  /** Enum type name -> labels in declaration order. */
  enums: Record<string, string[]>;
}

export const ReferentialAction = {
  CASCADE: 'Cascade',
  RESTRICT: 'Restrict',
  NO_ACTION: 'NoAction',
  SET_NULL: 'SetNull',
  SET_DEFAULT: 'SetDefault',
} as const;
export type ReferentialAction = (typeof ReferentialAction)[keyof typeof ReferentialAction];

/** pg_constraint.confdeltype / confupdtype letters. */
const ACTION_BY_LETTER: Record<string, ReferentialAction> = {
  a: ReferentialAction.NO_ACTION,
  r: ReferentialAction.RESTRICT,
  c: ReferentialAction.CASCADE,
  n: ReferentialAction.SET_NULL,
  d: ReferentialAction.SET_DEFAULT,
};

/** Anything with pg's `query(text, values)`: a pg.Pool, pg.Client or pooled client. */
export interface Queryable {
  query<R extends object>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
}

const CATALOG_QUERIES = {
  columns: `
    SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type,
           NOT a.attnotnull AS nullable, pg_get_expr(d.adbin, d.adrelid) AS default
      FROM pg_attribute a
      JOIN pg_class c ON c.oid = a.attrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
     WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
     ORDER BY c.relname, a.attnum`,
  tables: `
    SELECT c.relname AS table
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')`,
  indexes: `
    SELECT t.relname AS table, i.relname AS name, ix.indisunique AS unique, ix.indisprimary AS primary,
           am.amname AS method,
           (ix.indpred IS NOT NULL OR ix.indexprs IS NOT NULL) AS partial_or_expression,
           ARRAY(SELECT a.attname::text FROM unnest(ix.indkey::int2[]) WITH ORDINALITY k(attnum, ord)
                   JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.ord) AS columns,
           ARRAY(SELECT (k.opt & 1) = 1 FROM unnest(ix.indoption::int2[]) WITH ORDINALITY k(opt, ord)
                  ORDER BY k.ord) AS descending,
           ARRAY(SELECT oc.opcname::text FROM unnest(ix.indclass::oid[]) WITH ORDINALITY k(oid, ord)
                   JOIN pg_opclass oc ON oc.oid = k.oid ORDER BY k.ord) AS opclass_names,
           ARRAY(SELECT oc.opcdefault FROM unnest(ix.indclass::oid[]) WITH ORDINALITY k(oid, ord)
                   JOIN pg_opclass oc ON oc.oid = k.oid ORDER BY k.ord) AS opclass_defaults
      FROM pg_index ix
      JOIN pg_class i ON i.oid = ix.indexrelid
      JOIN pg_class t ON t.oid = ix.indrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace
      JOIN pg_am am ON am.oid = i.relam
     WHERE n.nspname = $1 AND t.relkind IN ('r', 'p')
     ORDER BY t.relname, i.relname`,
  foreignKeys: `
    SELECT t.relname AS table, c.conname AS name, rt.relname AS ref_table,
           ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(attnum, ord)
                   JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.ord) AS columns,
           ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(attnum, ord)
                   JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum ORDER BY k.ord) AS ref_columns,
           c.confdeltype AS on_delete, c.confupdtype AS on_update
      FROM pg_constraint c
      JOIN pg_class t ON t.oid = c.conrelid
      JOIN pg_class rt ON rt.oid = c.confrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE c.contype = 'f' AND n.nspname = $1
     ORDER BY t.relname, c.conname`,
  enums: `
    SELECT t.typname AS name,
           ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder) AS values
      FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
     WHERE t.typtype = 'e' AND n.nspname = $1`,
} as const;

/** Reads the tables, columns, indexes, foreign keys and enums of one schema (`public` by default). */
export async function readCatalog(db: Queryable, schema = 'public'): Promise<Catalog> {
  const [tables, columns, indexes, foreignKeys, enums] = await Promise.all([
    db.query<{ table: string }>(CATALOG_QUERIES.tables, [schema]),
    db.query<{ table: string; column: string; type: string; nullable: boolean; default: string | null }>(
      CATALOG_QUERIES.columns,
      [schema],
    ),
    db.query<{
      table: string;
      name: string;
      unique: boolean;
      primary: boolean;
      method: string;
      partial_or_expression: boolean;
      columns: string[];
      descending: boolean[];
      opclass_names: string[];
      opclass_defaults: boolean[];
    }>(CATALOG_QUERIES.indexes, [schema]),
    db.query<{
      table: string;
      name: string;
      ref_table: string;
      columns: string[];
      ref_columns: string[];
      on_delete: string;
      on_update: string;
    }>(CATALOG_QUERIES.foreignKeys, [schema]),
    db.query<{ name: string; values: string[] }>(CATALOG_QUERIES.enums, [schema]),
  ]);
  const catalog: Catalog = { tables: {}, enums: {} };
  for (const { table } of tables.rows) catalog.tables[table] = { columns: {}, indexes: [], foreignKeys: [] };
  for (const r of columns.rows) {
    catalog.tables[r.table]!.columns[r.column] = { type: r.type, nullable: r.nullable, default: r.default };
  }
  for (const r of indexes.rows) {
    catalog.tables[r.table]!.indexes.push({
      name: r.name,
      columns: r.columns,
      descending: r.descending,
      unique: r.unique,
      primary: r.primary,
      method: r.method,
      opclasses: r.opclass_names.map((name, i) => ({ name, isDefault: r.opclass_defaults[i] ?? false })),
      partialOrExpression: r.partial_or_expression,
    });
  }
  for (const r of foreignKeys.rows) {
    catalog.tables[r.table]!.foreignKeys.push({
      name: r.name,
      columns: r.columns,
      refTable: r.ref_table,
      refColumns: r.ref_columns,
      onDelete: ACTION_BY_LETTER[r.on_delete] ?? ReferentialAction.NO_ACTION,
      onUpdate: ACTION_BY_LETTER[r.on_update] ?? ReferentialAction.NO_ACTION,
    });
  }
  for (const r of enums.rows) catalog.enums[r.name] = r.values;
  return catalog;
}

// ---- what schema.prisma describes ------------------------------------------------------------

/** What a column's default must be in the database. */
export type ExpectedDefault =
  | { kind: 'none' } // no DEFAULT clause (Prisma fills @updatedAt, uuid(), cuid() itself)
  | { kind: 'sequence' } // autoincrement(): SERIAL / BIGSERIAL
  | { kind: 'value'; value: string } // a literal, compared without casts and quotes
  | { kind: 'now' } // now(): CURRENT_TIMESTAMP
  | { kind: 'any' }; // dbgenerated(...): some default, not compared further

export interface ExpectedColumn extends Omit<CatalogColumn, 'default'> {
  default: ExpectedDefault;
  /** Where it comes from in schema.prisma, e.g. `Session.token String @unique`. */
  source: string;
}

export interface ExpectedIndex extends Omit<CatalogIndex, 'opclasses' | 'partialOrExpression'> {
  /** One per column: an operator class the schema asks for (`JsonbPathOps`), or null for the default. */
  opclasses: Array<string | null>;
  source: string;
}

export interface ExpectedForeignKey extends CatalogForeignKey {
  source: string;
}

export interface ExpectedTable {
  model: string;
  columns: Record<string, ExpectedColumn>;
  indexes: ExpectedIndex[];
  foreignKeys: ExpectedForeignKey[];
}

export interface ExpectedSchema {
  tables: Record<string, ExpectedTable>;
  enums: Record<string, string[]>;
}

/** Parses schema.prisma text with Prisma's own parser (wasm, offline). Throws SchemaInvalidError. */
export function readDatamodel(schemaText: string): Datamodel {
  let json: string;
  try {
    json = prismaSchemaWasm.get_datamodel(JSON.stringify({ prismaSchema: [['schema.prisma', schemaText]], noColor: true }));
  } catch (error) {
    const raw = error instanceof Error ? error.message : String(error);
    let details = raw;
    try {
      details = (JSON.parse(raw) as { message?: string }).message ?? raw;
    } catch {
      // not JSON: keep the raw message
    }
    throw new SchemaInvalidError(details.replace(/\u001b\[[0-9;]*m/g, ''), { cause: error });
  }
  return JSON.parse(json) as Datamodel;
}

/** Column types Prisma gives each scalar type on PostgreSQL when there is no @db attribute. */
const SCALAR_TYPES: Record<string, string> = {
  String: 'text',
  Int: 'integer',
  BigInt: 'bigint',
  Float: 'double precision',
  Decimal: 'numeric(65,30)',
  Boolean: 'boolean',
  DateTime: 'timestamp(3) without time zone',
  Json: 'jsonb',
  Bytes: 'bytea',
};

/** `@db.X(args)` -> what format_type() prints. */
const NATIVE_TYPES: Record<string, (args: readonly string[]) => string> = {
  Text: () => 'text',
  Uuid: () => 'uuid',
  VarChar: ([n]) => (n ? `character varying(${n})` : 'character varying'),
  Char: ([n]) => `character(${n ?? 1})`,
  Citext: () => 'citext',
  SmallInt: () => 'smallint',
  Integer: () => 'integer',
  BigInt: () => 'bigint',
  Oid: () => 'oid',
  Real: () => 'real',
  DoublePrecision: () => 'double precision',
  Decimal: ([p, s]) => (p ? `numeric(${p},${s ?? 0})` : 'numeric'),
  Money: () => 'money',
  Boolean: () => 'boolean',
  Timestamp: ([p]) => `timestamp${p ? `(${p})` : ''} without time zone`,
  Timestamptz: ([p]) => `timestamp${p ? `(${p})` : ''} with time zone`,
  Date: () => 'date',
  Time: ([p]) => `time${p ? `(${p})` : ''} without time zone`,
  Timetz: ([p]) => `time${p ? `(${p})` : ''} with time zone`,
  Json: () => 'json',
  JsonB: () => 'jsonb',
  ByteA: () => 'bytea',
  Xml: () => 'xml',
  Inet: () => 'inet',
  Bit: ([n]) => `bit(${n ?? 1})`,
  VarBit: ([n]) => (n ? `bit varying(${n})` : 'bit varying'),
};

const INDEX_METHODS: Record<string, string> = {
  BTree: 'btree',
  Hash: 'hash',
  Gist: 'gist',
  Gin: 'gin',
  SpGist: 'spgist',
  Brin: 'brin',
};

/** Builds, from the datamodel alone, the catalog a correct migration must have produced. */
export function expectedSchema(datamodel: Datamodel): ExpectedSchema {
  const tableOf = (model: Model) => model.dbName ?? model.name;
  const models = new Map(datamodel.models.map((m) => [m.name, m]));
  const enums = new Map(datamodel.enums.map((e) => [e.name, e]));
  const columnOf = (model: Model, fieldName: string) => {
    const field = model.fields.find((f) => f.name === fieldName);
    return field?.dbName ?? fieldName;
  };

  const result: ExpectedSchema = { tables: {}, enums: {} };
  for (const e of datamodel.enums) result.enums[e.dbName ?? e.name] = e.values.map((v) => v.dbName ?? v.name);

  for (const model of datamodel.models) {
    const table = tableOf(model);
    const expected: ExpectedTable = { model: model.name, columns: {}, indexes: [], foreignKeys: [] };
    result.tables[table] = expected;

    for (const field of model.fields) {
      if (field.kind === 'object') continue;
      const enumType = field.kind === 'enum' ? enums.get(field.type) : undefined;
      let type = enumType
        ? (enumType.dbName ?? enumType.name)
        : field.nativeType
          ? (NATIVE_TYPES[field.nativeType[0]]?.(field.nativeType[1]) ?? `unsupported @db.${field.nativeType[0]}`)
          : (SCALAR_TYPES[field.type] ?? `unsupported ${field.type}`);
      if (field.isList) type += '[]';
      expected.columns[field.dbName ?? field.name] = {
        type,
        // Prisma creates scalar lists as nullable array columns, whatever `isRequired` says.
        nullable: field.isList ? true : !field.isRequired,
        default: expectedDefault(field),
        source: describeField(model, field),
      };
    }

    for (const index of datamodel.indexes.filter((i) => i.model === model.name)) {
      if (index.type === 'fulltext') continue; // MySQL only
      const columns = index.fields.map((f) => columnOf(model, f.name));
      const suffix = index.type === 'id' ? 'pkey' : index.type === 'unique' ? 'key' : 'idx';
      const name = index.dbName ?? (index.type === 'id' ? `${table}_pkey` : `${table}_${columns.join('_')}_${suffix}`);
      expected.indexes.push({
        name,
        columns,
        descending: index.fields.map((f) => f.sortOrder === 'desc'),
        unique: index.type !== 'normal',
        primary: index.type === 'id',
        method: INDEX_METHODS[index.algorithm ?? 'BTree'] ?? index.algorithm!.toLowerCase(),
        opclasses: index.fields.map((f) => f.operatorClass ?? null),
        source: describeIndex(model, index),
      });
    }

    for (const field of model.fields) {
      if (field.kind !== 'object' || !field.relationFromFields?.length) continue;
      const target = models.get(field.type);
      if (!target) continue;
      const columns = field.relationFromFields.map((f) => columnOf(model, f));
      const fromFieldsRequired = field.relationFromFields.every(
        (f) => model.fields.find((x) => x.name === f)?.isRequired ?? true,
      );
      expected.foreignKeys.push({
        name: `${table}_${columns.join('_')}_fkey`,
        columns,
        refTable: tableOf(target),
        refColumns: (field.relationToFields ?? []).map((f) => columnOf(target, f)),
        // Prisma's defaults when the schema says nothing: Restrict for required relations,
        // SetNull for optional ones; Cascade on update.
        onDelete: (field.relationOnDelete as ReferentialAction | undefined) ??
          (fromFieldsRequired ? ReferentialAction.RESTRICT : ReferentialAction.SET_NULL),
        onUpdate: (field.relationOnUpdate as ReferentialAction | undefined) ?? ReferentialAction.CASCADE,
        source: `${model.name}.${field.name} ${field.type}${field.isRequired ? '' : '?'} @relation(fields: [${field.relationFromFields.join(', ')}])`,
      });
    }
  }
  return result;
}

function expectedDefault(field: Field): ExpectedDefault {
  const d = field.default;
  if (d === undefined || field.isUpdatedAt) return { kind: 'none' };
  if (Array.isArray(d)) return { kind: 'any' }; // list default, e.g. @default([])
  if (typeof d === 'object' && d !== null && 'name' in d) {
    switch (d.name) {
      case 'autoincrement':
        return { kind: 'sequence' };
      case 'now':
        return { kind: 'now' };
      case 'dbgenerated':
        return { kind: 'any' };
      default:
        return { kind: 'none' }; // uuid(), cuid(), nanoid(), ulid(): generated by Prisma Client
    }
  }
  return { kind: 'value', value: String(d) };
}

function describeField(model: Model, field: Field): string {
  const attrs: string[] = [];
  if (field.isId) attrs.push('@id');
  if (field.isUnique) attrs.push('@unique');
  if (field.isUpdatedAt) attrs.push('@updatedAt');
  if (field.nativeType) attrs.push(`@db.${field.nativeType[0]}${field.nativeType[1].length ? `(${field.nativeType[1].join(', ')})` : ''}`);
  const optional = field.isList ? '[]' : field.isRequired ? '' : '?';
  return [`${model.name}.${field.name}`, `${field.type}${optional}`, ...attrs].join(' ');
}

function describeIndex(model: Model, index: DatamodelIndex): string {
  const fields = index.fields
    .map((f) => {
      const args = [f.sortOrder === 'desc' ? 'sort: Desc' : '', f.operatorClass ? `ops: ${f.operatorClass}` : ''].filter(Boolean);
      return args.length ? `${f.name}(${args.join(', ')})` : f.name;
    })
    .join(', ');
  if (index.type === 'id') return `${model.name} @id (${fields})`;
  const attr = index.type === 'unique' ? '@@unique' : '@@index';
  return `${model.name} ${attr}([${fields}]${index.algorithm ? `, type: ${index.algorithm}` : ''})`;
}

// ---- the comparison (pure) -------------------------------------------------------------------

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

// ---- the I/O edge ----------------------------------------------------------------------------

/** Compares schema.prisma (its text) with the database behind `db`. An empty list means no drift. */
export async function checkDrift(schemaText: string, db: Queryable, options: CompareOptions & { schema?: string } = {}): Promise<DriftProblem[]> {
  const expected = expectedSchema(readDatamodel(schemaText));
  const actual = await readCatalog(db, options.schema);
  return compareSchemas(expected, actual, options);
}

/** A readable report: one line per problem, or a line saying there is none. */
export function formatDrift(problems: readonly DriftProblem[]): string {
  if (!problems.length) return 'No drift: the database matches schema.prisma.';
  return [`${problems.length} difference(s) between schema.prisma and the database:`, ...problems.map((p) => `  - ${p.message}`)].join('\n');
}
