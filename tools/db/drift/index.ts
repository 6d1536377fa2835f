// Drift check (tools/db/drift/): does the database that the migrations built match what schema.prisma describes?
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
//
// catalog.ts reads the database, expected.ts reads the schema, compare.ts compares; this file is
// the I/O edge that runs the three.
import { readCatalog, type Queryable } from './catalog.ts';
import { compareSchemas, type CompareOptions } from './compare.ts';
import { expectedSchema, readDatamodel } from './expected.ts';
import type { DriftProblem } from './problems.ts';

export * from './catalog.ts';
export * from './compare.ts';
export * from './expected.ts';
export * from './problems.ts';

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
