// One way to build a PrismaClient in this workbook: Prisma 7 on the `pg` driver adapter (no engine binary).
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.ts';

export { PrismaClient };
// The Prisma namespace: types (Prisma.UserSelect, Prisma.TransactionClient) and runtime values
// (Prisma.PrismaClientKnownRequestError, Prisma.sql).
export { Prisma } from '../generated/prisma/client.ts';

export interface PrismaClientOptions {
  /** Emit a `query` event per SQL statement (lab 11 counts them). @default false */
  logQueries?: boolean;
}

export function createPrismaClient(databaseUrl: string, options: PrismaClientOptions = {}) {
  return new PrismaClient({
    adapter: new PrismaPg({ connectionString: databaseUrl }),
    log: options.logQueries ? [{ emit: 'event', level: 'query' }] : [],
  });
}
