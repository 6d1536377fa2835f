// Raw SQL through Prisma: the tagged template (safe) against string building (unsafe), and an
// aggregate whose COUNT comes back as a BigInt.
import type { PrismaClient } from '../../prisma/client.ts';

export interface UserName {
  id: number;
  name: string;
}

/** ❌ Do not copy: the name is pasted into the SQL text, so the input can rewrite the query. */
export function findUsersByNameUnsafe(prisma: PrismaClient, name: string): Promise<UserName[]> {
  return prisma.$queryRawUnsafe<UserName[]>(`SELECT id, name FROM users WHERE name = '${name}' ORDER BY id`);
}

/** The tagged template sends `name` as a bind parameter ($1): it is data, never SQL. */
export function findUsersByName(prisma: PrismaClient, name: string): Promise<UserName[]> {
  // TODO: the same query as findUsersByNameUnsafe, with `name` sent as a parameter instead of
  //       pasted into the text. Trap: Prisma has a raw-query API that looks like a template string
  //       and one that really is one; and quotes around the value turn a parameter into text.
  throw new Error('Not implemented yet: findUsersByName in labs/04-prisma-queries/raw.ts');
}

export interface AuthorPostCount {
  authorId: number;
  name: string;
  postCount: number;
}

/** Authors with at least `minPosts` posts, most posts first. */
export async function postCountsByAuthor(prisma: PrismaClient, minPosts = 1): Promise<AuthorPostCount[]> {
  // TODO: in raw SQL, the authors with at least minPosts posts, most posts first, then by id.
  //       Trap: a count comes back from $queryRaw as a JavaScript BigInt, which JSON.stringify
  //       refuses: postCount must be a plain number (toSafeNumber below).
  throw new Error('Not implemented yet: postCountsByAuthor in labs/04-prisma-queries/raw.ts');
}

export function toSafeNumber(value: bigint): number {
  // TODO: the same value as a number, or a RangeError when a number can't hold it exactly
  //       (beyond 2^53, converting silently rounds).
  throw new Error('Not implemented yet: toSafeNumber in labs/04-prisma-queries/raw.ts');
}

/** JSON.stringify that writes BigInt values (events.id, videos.size_bytes) as strings. */
export function toJson(value: unknown): string {
  // TODO: JSON for any value, bigints included (as their decimal string), wherever they are nested.
  throw new Error('Not implemented yet: toJson in labs/04-prisma-queries/raw.ts');
}
