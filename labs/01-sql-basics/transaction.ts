// Runs several statements as one unit: all of them happen, or none do.
import type pg from 'pg';

export async function withTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  // TODO: check out one client with `await pool.connect()`: BEGIN, the work and COMMIT must share one connection, and pool.query() may use a different one each time
  // TODO: try { BEGIN; const result = await work(client); COMMIT; return result }
  // TODO: catch (error) { ROLLBACK, then rethrow error }. If ROLLBACK itself fails, keep that error for release() below
  // TODO: finally { client.release(rollbackError) }: always give the connection back (passing an error destroys a broken one)
  throw new Error('not implemented yet: withTransaction (labs/01-sql-basics/transaction.ts)');
}
