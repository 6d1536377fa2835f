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
  // TODO: the same query as findUsersByNameUnsafe, written with the tagged template
  //       prisma.$queryRaw<UserName[]>`... WHERE name = ${name} ...` (no quotes around ${name}).
  throw new Error('Not implemented yet: findUsersByName in labs/04-prisma-queries/raw.ts');
}

export interface AuthorPostCount {
  authorId: number;
  name: string;
  postCount: number;
}

/** Authors with at least `minPosts` posts, most posts first. */
export async function postCountsByAuthor(prisma: PrismaClient, minPosts = 1): Promise<AuthorPostCount[]> {
  // TODO: $queryRaw: users JOIN posts, GROUP BY the user, HAVING COUNT(p.id) >= ${minPosts},
  //       ORDER BY the count DESC then u.id. COUNT comes back as a bigint (JS BigInt): map each row
  //       to { authorId, name, postCount: toSafeNumber(row.post_count) }.
  throw new Error('Not implemented yet: postCountsByAuthor in labs/04-prisma-queries/raw.ts');
}

export function toSafeNumber(value: bigint): number {
  // TODO: throw a RangeError when the value is outside Number.MIN/MAX_SAFE_INTEGER, else Number(value).
  throw new Error('Not implemented yet: toSafeNumber in labs/04-prisma-queries/raw.ts');
}

/** JSON.stringify that writes BigInt values (events.id, videos.size_bytes) as strings. */
export function toJson(value: unknown): string {
  // TODO: JSON.stringify with a replacer that turns every bigint into its string form.
  throw new Error('Not implemented yet: toJson in labs/04-prisma-queries/raw.ts');
}
