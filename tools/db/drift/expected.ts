// Stage 2 of the drift check: what schema.prisma describes, parsed by Prisma's own parser (wasm,
// offline) and turned into the catalog a correct migration must have produced.
import { stripVTControlCharacters } from 'node:util';
import prismaSchemaWasm from '@prisma/prisma-schema-wasm';
import { ReferentialAction, type CatalogColumn, type CatalogForeignKey, type CatalogIndex } from './catalog.ts';
import { SchemaInvalidError } from './problems.ts';

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
    throw new SchemaInvalidError(stripVTControlCharacters(details), { cause: error });
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
