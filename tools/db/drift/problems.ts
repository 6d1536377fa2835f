// The drift checker's vocabulary: what a difference is called and how it is reported.

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
