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
  // TODO: INSERT INTO posts (author_id, title, body) VALUES ($1, $2, $3) RETURNING ${POST_COLUMNS}; body defaults to ''
  // TODO: catch a FOREIGN_KEY_VIOLATION (the author does not exist) and throw new UserNotFoundError(input.authorId, { cause: error }); rethrow anything else
  throw new Error('not implemented yet: createPost (labs/01-sql-basics/posts.ts)');
}

/** Newest first; posts with the same created_at come highest id first, so the order is total. */
export async function listPostsWithAuthors(db: Queryable, options: { limit?: number } = {}): Promise<PostWithAuthor[]> {
  // TODO: SELECT p.id, p.title, u.name AS "authorName", p.created_at AS "createdAt" FROM posts p JOIN users u ON ...
  // TODO: ORDER BY p.created_at DESC, p.id DESC LIMIT $1, with options.limit ?? 20
  throw new Error('not implemented yet: listPostsWithAuthors (labs/01-sql-basics/posts.ts)');
}

/** Authors with at least `minPosts` posts, most posts first, then by name. */
export async function authorsWithAtLeast(db: Queryable, minPosts: number): Promise<AuthorStats[]> {
  // TODO: SELECT u.id AS "authorId", u.name, COUNT(*) AS "postCount" FROM users u JOIN posts p ON ... GROUP BY u.id, u.name
  // TODO: keep the groups with HAVING COUNT(*) >= $1; ORDER BY "postCount" DESC, u.name
  // TODO: COUNT(*) is a bigint, and node-postgres returns bigints as strings ("3"): cast it with ::int
  throw new Error('not implemented yet: authorsWithAtLeast (labs/01-sql-basics/posts.ts)');
}
