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

// #region offset
export async function listPostsByOffset(db: Queryable, { page, pageSize }: OffsetPageOptions): Promise<PostSummary[]> {
  const { rows } = await db.query<PostSummary>(
    `SELECT ${SUMMARY_COLUMNS} FROM posts
      ORDER BY created_at DESC, id DESC
      LIMIT $1 OFFSET $2`,
    [pageSize, (page - 1) * pageSize],
  );
  return rows;
}
// #endregion offset

// #region keyset
export async function listPostsByKeyset(db: Queryable, { after, limit }: KeysetPageOptions): Promise<KeysetPage> {
  const cursor = after ? decodeCursor(after) : null;
  // Ask for one row more than the page: if it comes back, there is a next page.
  const { rows } = await db.query<PostSummary & { cursorTime: string }>(
    cursor
      ? `SELECT ${SUMMARY_COLUMNS}, created_at::text AS "cursorTime" FROM posts
          WHERE (created_at, id) < ($1::timestamptz, $2::integer)
          ORDER BY created_at DESC, id DESC
          LIMIT $3`
      : `SELECT ${SUMMARY_COLUMNS}, created_at::text AS "cursorTime" FROM posts
          ORDER BY created_at DESC, id DESC
          LIMIT $1`,
    cursor ? [cursor.createdAt, cursor.id, limit + 1] : [limit + 1],
  );
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    posts: page.map(({ cursorTime: _, ...post }) => post),
    nextCursor: rows.length > limit && last ? encodeCursor({ createdAt: last.cursorTime, id: last.id }) : null,
  };
}
// #endregion keyset
