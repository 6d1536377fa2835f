// Full-text search over posts, through the generated `search` column and its GIN index.
import type { Queryable } from '../../solutions/01-sql-basics/index.ts';

export interface SearchHit {
  id: number;
  title: string;
  /** ts_rank: higher is a better match; only comparable within one query. */
  rank: number;
}

// #region search
/** Posts matching `query` (web-search syntax: words, "a phrase", or, -exclude), best match first. */
export async function searchPosts(db: Queryable, query: string, options: { limit?: number } = {}): Promise<SearchHit[]> {
  if (query.trim() === '') return [];
  // websearch_to_tsquery accepts anything a user types; to_tsquery throws on input like "postgres & (".
  const { rows } = await db.query<SearchHit>(
    `SELECT p.id, p.title, ts_rank(p.search, q) AS rank
       FROM posts p, websearch_to_tsquery('english', $1) AS q
      WHERE p.search @@ q
      ORDER BY rank DESC, p.id DESC
      LIMIT $2`,
    [query, options.limit ?? 20],
  );
  return rows;
}
// #endregion search
