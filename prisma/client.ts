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
  /**
   * Give up opening a connection after this long (a server that accepts TCP but never answers,
   * or a full pool). @default 5000
   */
  connectTimeoutMs?: number;
  /**
   * Give up on one query after this long, counted on the client: it also ends the wait for a
   * server that stopped answering, which PostgreSQL's own statement_timeout cannot. A server on
   * a request path wants a few seconds; a migration or a report may want none. @default no limit
   */
  queryTimeoutMs?: number;
}

export function createPrismaClient(databaseUrl: string, options: PrismaClientOptions = {}) {
  return new PrismaClient({
    adapter: new PrismaPg({
      connectionString: databaseUrl,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
      ...(options.queryTimeoutMs === undefined ? {} : { query_timeout: options.queryTimeoutMs }),
    }),
    log: options.logQueries ? [{ emit: 'event', level: 'query' }] : [],
  });
}
