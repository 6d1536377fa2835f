// Case-insensitive search over published posts, with only the author's public fields.
import type { Prisma, PrismaClient } from '../../prisma/client.ts';

/** What a reader may see of a post's author: never the email, never the password hash. */
export const PUBLIC_AUTHOR = { id: true, name: true } as const satisfies Prisma.UserSelect;

export type PostHit = Prisma.PostGetPayload<{ include: { author: { select: typeof PUBLIC_AUTHOR } } }>;

export interface SearchOptions {
  /** At most this many posts, newest first. @default 20 (capped at 100) */
  limit?: number;
}

/**
 * Prisma turns `contains` into ILIKE '%' || $1 || '%' and does not escape the value
 * (prisma/prisma#19506): a search for "100%" would also match "100 percent", and "%" everything.
 * Backslash is PostgreSQL's default LIKE escape character.
 */
export function escapeLike(text: string): string {
  // TODO: the text with every character LIKE treats specially made literal, so `100%` matches
  //       only "100%". PostgreSQL's default escape character is the backslash (escape it too).
  throw new Error('Not implemented yet: escapeLike in labs/04-prisma-queries/search.ts');
}

export async function searchPosts(prisma: PrismaClient, query: string, options: SearchOptions = {}): Promise<PostHit[]> {
  // TODO: a blank query finds nothing (an empty `contains` would match every post).
  // TODO: published posts whose title or content contains the text, ignoring case, newest first
  //       with a tie-breaker, at most options.limit (default 20, never more than 100), each with
  //       its author's public fields only (PUBLIC_AUTHOR). Trap: Prisma does not escape LIKE's
  //       special characters for you.
  throw new Error('Not implemented yet: searchPosts in labs/04-prisma-queries/search.ts');
}
