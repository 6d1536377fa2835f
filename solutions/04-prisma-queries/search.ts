// Case-insensitive search over published posts, with only the author's public fields.
import type { Prisma, PrismaClient } from '../../prisma/client.ts';

// #region public-author
/** What a reader may see of a post's author: never the email, never the password hash. */
export const PUBLIC_AUTHOR = { id: true, name: true } as const satisfies Prisma.UserSelect;
// #endregion public-author

export type PostHit = Prisma.PostGetPayload<{ include: { author: { select: typeof PUBLIC_AUTHOR } } }>;

export interface SearchOptions {
  /** At most this many posts, newest first. @default 20 (capped at 100) */
  limit?: number;
}

// #region escape-like
/**
 * Prisma turns `contains` into ILIKE '%' || $1 || '%' and does not escape the value
 * (prisma/prisma#19506): a search for "100%" would also match "100 percent", and "%" everything.
 * Backslash is PostgreSQL's default LIKE escape character.
 */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
// #endregion escape-like

// #region search
export async function searchPosts(prisma: PrismaClient, query: string, options: SearchOptions = {}): Promise<PostHit[]> {
  const text = escapeLike(query.trim());
  if (!text) return []; // `contains: ''` would match every post
  return prisma.post.findMany({
    where: {
      published: true,
      OR: [
        { title: { contains: text, mode: 'insensitive' } },
        { content: { contains: text, mode: 'insensitive' } },
      ],
    },
    include: { author: { select: PUBLIC_AUTHOR } },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: Math.min(options.limit ?? 20, 100),
  });
}
// #endregion search
