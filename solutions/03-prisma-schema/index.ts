// Lab 03's public face: where its schema and migrations live, and the seed.
// (Tests and later code import this file; in the `solution` run it resolves to solutions/03-prisma-schema.)
import { fileURLToPath } from 'node:url';

/** This lab's schema.prisma (the learner's copy in labs/, the reference in solutions/). */
export const SCHEMA_FILE = fileURLToPath(new URL('./schema.prisma', import.meta.url));
/** This lab's migrations folder, in Prisma's layout: <timestamp>_<name>/migration.sql. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations', import.meta.url));

export { seedDemo, type SeedSummary } from './seed.ts';
export * from './seed-data.ts';
