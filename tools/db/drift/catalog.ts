// Stage 1 of the drift check: what the migrated database holds, read from pg_catalog.


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
