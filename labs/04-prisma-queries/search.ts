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
  // TODO: put a backslash in front of every backslash, % and _ (one String.replace with a regex).
  throw new Error('Not implemented yet: escapeLike in labs/04-prisma-queries/search.ts');
}

export async function searchPosts(prisma: PrismaClient, query: string, options: SearchOptions = {}): Promise<PostHit[]> {
  // TODO: escape the trimmed query (escapeLike) and return [] when it is empty.
  // TODO: prisma.post.findMany: published posts whose title OR content `contains` the text with
  //       mode: 'insensitive'; include the author with `select: PUBLIC_AUTHOR`; newest first
  //       (createdAt desc, id desc); take options.limit ?? 20, at most 100.
  throw new Error('Not implemented yet: searchPosts in labs/04-prisma-queries/search.ts');
}
