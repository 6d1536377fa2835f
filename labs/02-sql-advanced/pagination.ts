// Two ways to page through posts, newest first: OFFSET (simple, drifts) and keyset (stable, fast).
import type { Queryable } from '../../solutions/01-sql-basics/index.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';

export interface PostSummary {
  id: number;
  authorId: number;
  title: string;
  createdAt: Date;
}

export interface OffsetPageOptions {
  /** 1 for the first page. */
  page: number;
  pageSize: number;
}

export interface KeysetPageOptions {
  /** The previous page's nextCursor; omit (or null) for the first page. */
  after?: string | null;
  limit: number;
}

export interface KeysetPage {
  posts: PostSummary[];
  /** Pass it as `after` to get the next page; null on the last page. */
  nextCursor: string | null;
}

const SUMMARY_COLUMNS = `id, author_id AS "authorId", title, created_at AS "createdAt"`;

export async function listPostsByOffset(db: Queryable, { page, pageSize }: OffsetPageOptions): Promise<PostSummary[]> {
  // TODO: page `page` (1-based) of the posts, newest first, pageSize per page, in a total order
  //       (two posts can share a timestamp). This is the classic version the tests compare with
  //       the keyset one: it skips rows that earlier pages pushed down.
  throw new Error('not implemented yet: listPostsByOffset (labs/02-sql-advanced/pagination.ts)');
}

export async function listPostsByKeyset(db: Queryable, { after, limit }: KeysetPageOptions): Promise<KeysetPage> {
  // TODO: the `limit` posts that come right after the position in `after` (none: from the start),
  //       newest first, and a cursor for the next page, or null when there is none. A forged
  //       cursor is the caller's error (cursor.ts decodes and checks it).
  // TODO: seek to the position with a condition the (created_at, id) index can use, instead of
  //       counting rows to skip. Trap: the position is two columns; created_at alone repeats.
  // TODO: trap: a JavaScript Date keeps milliseconds and PostgreSQL stores microseconds, so a
  //       cursor built from a Date can skip or repeat rows. Take the timestamp as PostgreSQL's text.
  // TODO: know whether a next page exists without a second query.
  throw new Error('not implemented yet: listPostsByKeyset (labs/02-sql-advanced/pagination.ts)');
}
