// Full-text search over posts, through the generated `search` column and its GIN index.
import type { Queryable } from '../../solutions/01-sql-basics/index.ts';

export interface SearchHit {
  id: number;
  title: string;
  /** ts_rank: higher is a better match; only comparable within one query. */
  rank: number;
}

/** Posts matching `query` (web-search syntax: words, "a phrase", or, -exclude), best match first. */
export async function searchPosts(db: Queryable, query: string, options: { limit?: number } = {}): Promise<SearchHit[]> {
  // TODO: blank query? return [] without asking the database
  // TODO: FROM posts p, websearch_to_tsquery('english', $1) AS q WHERE p.search @@ q (websearch_to_tsquery never throws on user input; to_tsquery does)
  // TODO: SELECT p.id, p.title, ts_rank(p.search, q) AS rank ... ORDER BY rank DESC, p.id DESC LIMIT $2 (options.limit ?? 20)
  throw new Error('not implemented yet: searchPosts (labs/02-sql-advanced/search.ts)');
}
