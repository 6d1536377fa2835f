// The one thing every query function needs: something it can send SQL to.
// A pg.Pool, a pg.PoolClient checked out of it, and a pg.Client all fit, so the same function
// runs on its own (pool: one statement, autocommit) or inside a transaction (client).
import type pg from 'pg';

export interface Queryable {
  // biome-ignore lint/suspicious/noExplicitAny: the same default as pg's own Pool.query, so rows stay indexable
  query<R extends pg.QueryResultRow = any>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}
