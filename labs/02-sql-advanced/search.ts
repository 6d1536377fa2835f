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
  // TODO: a blank query finds nothing, without asking the database.
  // TODO: posts whose `search` column matches the words the user typed, best match first (then a
  //       tie-breaker), at most options.limit (default 20). Trap: whatever the user types must
  //       not make the query fail: pick the query parser made for search boxes, not the one
  //       that throws on a stray quote or operator.
  throw new Error('not implemented yet: searchPosts (labs/02-sql-advanced/search.ts)');
}
