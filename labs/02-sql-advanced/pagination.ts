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
  // TODO: SELECT ${SUMMARY_COLUMNS} FROM posts ORDER BY created_at DESC, id DESC (id breaks ties between equal timestamps)
  // TODO: LIMIT $1 OFFSET $2 with [pageSize, (page - 1) * pageSize], and return the rows
  throw new Error('not implemented yet: listPostsByOffset (labs/02-sql-advanced/pagination.ts)');
}

export async function listPostsByKeyset(db: Queryable, { after, limit }: KeysetPageOptions): Promise<KeysetPage> {
  // TODO: const cursor = after ? decodeCursor(after) : null (it throws InvalidCursorError on a forged cursor)
  // TODO: select ${SUMMARY_COLUMNS} plus `created_at::text AS "cursorTime"` (full microseconds; a Date keeps only milliseconds)
  // TODO: with a cursor add WHERE (created_at, id) < ($1::timestamptz, $2::integer): a row comparison the (created_at, id) index can seek to
  // TODO: ORDER BY created_at DESC, id DESC, LIMIT limit + 1: the extra row only tells you whether a next page exists
  // TODO: return the first `limit` posts (without cursorTime) and nextCursor = encodeCursor({ createdAt: last.cursorTime, id: last.id }) if the extra row came back, else null
  throw new Error('not implemented yet: listPostsByKeyset (labs/02-sql-advanced/pagination.ts)');
}
