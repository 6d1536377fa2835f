// Runs several statements as one unit: all of them happen, or none do.
import type pg from 'pg';

// #region with-transaction
export async function withTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  // A transaction lives on one connection. pool.query() may pick a different connection for each
  // statement, so BEGIN, the work and COMMIT all go through this one client.
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: Error) => {
      broken = rollbackError; // the connection itself is in trouble: don't hand it to the next caller
    });
    throw error;
  } finally {
    // release(error) destroys the connection instead of returning it to the pool.
    client.release(broken);
  }
}
// #endregion with-transaction
