// Posts: create, list with their authors (JOIN), and per-author counts (GROUP BY ... HAVING).
import type { Queryable } from './db.ts';
import { UserNotFoundError } from './errors.ts';
import { isPgError, PgErrorCode } from './pg-errors.ts';

export interface Post {
  id: number;
  authorId: number;
  title: string;
  body: string;
  createdAt: Date;
}

export interface NewPost {
  authorId: number;
  title: string;
  /** @default '' */
  body?: string;
}

export interface PostWithAuthor {
  id: number;
  title: string;
  authorName: string;
  createdAt: Date;
}

export interface AuthorStats {
  authorId: number;
  name: string;
  postCount: number;
}

const POST_COLUMNS = `id, author_id AS "authorId", title, body, created_at AS "createdAt"`;

export async function createPost(db: Queryable, input: NewPost): Promise<Post> {
  // TODO: store the post (an omitted body is '') and return it as stored, like createUser does.
  // TODO: an author that does not exist is UserNotFoundError: the foreign key already refuses the
  //       row, so translate that one error (by its SQLSTATE code) and let every other one through.
  throw new Error('not implemented yet: createPost (labs/01-sql-basics/posts.ts)');
}

/** Newest first; posts with the same created_at come highest id first, so the order is total. */
export async function listPostsWithAuthors(db: Queryable, options: { limit?: number } = {}): Promise<PostWithAuthor[]> {
  // TODO: each post with its author's name (the name lives in the other table), newest first,
  //       at most options.limit (default 20), in one query.
  // TODO: trap: two posts can share a created_at; without a tie-breaker their order may change
  //       from one run to the next. The order must be total.
  throw new Error('not implemented yet: listPostsWithAuthors (labs/01-sql-basics/posts.ts)');
}

/** Authors with at least `minPosts` posts, most posts first, then by name. */
export async function authorsWithAtLeast(db: Queryable, minPosts: number): Promise<AuthorStats[]> {
  // TODO: one row per author with their number of posts, keeping only authors with at least
  //       minPosts, most posts first, then by name. Filtering on a count happens after grouping.
  // TODO: postCount must be a number. Trap: a count's SQL type is bigint, which node-postgres
  //       hands over as a string ("3"). And an author with no posts must not count as 1.
  throw new Error('not implemented yet: authorsWithAtLeast (labs/01-sql-basics/posts.ts)');
}
