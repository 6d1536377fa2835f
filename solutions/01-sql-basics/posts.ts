// Posts: create, list with their authors (JOIN), and per-author counts (GROUP BY ... HAVING).
import type { Queryable } from './db.ts';
import { UserNotFoundError } from './errors.ts';
import { isPgError, PgErrorCode } from './pg-errors.ts';

// #region posts
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
  try {
    const { rows } = await db.query<Post>(
      `INSERT INTO posts (author_id, title, body) VALUES ($1, $2, $3) RETURNING ${POST_COLUMNS}`,
      [input.authorId, input.title, input.body ?? ''],
    );
    return rows[0]!;
  } catch (error) {
    // The foreign key refused an author_id that is not in users.
    if (isPgError(error, PgErrorCode.FOREIGN_KEY_VIOLATION)) throw new UserNotFoundError(input.authorId, { cause: error });
    throw error;
  }
}

// #region list-with-authors
/** Newest first; posts with the same created_at come highest id first, so the order is total. */
export async function listPostsWithAuthors(db: Queryable, options: { limit?: number } = {}): Promise<PostWithAuthor[]> {
  const { rows } = await db.query<PostWithAuthor>(
    `SELECT p.id, p.title, u.name AS "authorName", p.created_at AS "createdAt"
       FROM posts p
       JOIN users u ON u.id = p.author_id
      ORDER BY p.created_at DESC, p.id DESC
      LIMIT $1`,
    [options.limit ?? 20],
  );
  return rows;
}
// #endregion list-with-authors

// #region authors-with-at-least
/** Authors with at least `minPosts` posts, most posts first, then by name. */
export async function authorsWithAtLeast(db: Queryable, minPosts: number): Promise<AuthorStats[]> {
  const { rows } = await db.query<AuthorStats>(
    // COUNT(*) is a bigint, which node-postgres hands over as a string ("3"): JavaScript numbers
    // are exact only up to 2^53. A post count fits an int easily, so cast it in SQL.
    `SELECT u.id AS "authorId", u.name, COUNT(*)::int AS "postCount"
       FROM users u
       JOIN posts p ON p.author_id = u.id
      GROUP BY u.id, u.name
     HAVING COUNT(*) >= $1
      ORDER BY "postCount" DESC, u.name ASC`,
    [minPosts],
  );
  return rows;
}
// #endregion authors-with-at-least
// #endregion posts
