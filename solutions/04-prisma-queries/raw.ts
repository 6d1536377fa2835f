// Raw SQL through Prisma: the tagged template (safe) against string building (unsafe), and an
// aggregate whose COUNT comes back as a BigInt.
import type { PrismaClient } from '../../prisma/client.ts';

export interface UserName {
  id: number;
  name: string;
}

// #region unsafe
/** ❌ Do not copy: the name is pasted into the SQL text, so the input can rewrite the query. */
export function findUsersByNameUnsafe(prisma: PrismaClient, name: string): Promise<UserName[]> {
  return prisma.$queryRawUnsafe<UserName[]>(`SELECT id, name FROM users WHERE name = '${name}' ORDER BY id`);
}
// #endregion unsafe

// #region safe
/** The tagged template sends `name` as a bind parameter ($1): it is data, never SQL. */
export function findUsersByName(prisma: PrismaClient, name: string): Promise<UserName[]> {
  return prisma.$queryRaw<UserName[]>`SELECT id, name FROM users WHERE name = ${name} ORDER BY id`;
}
// #endregion safe

export interface AuthorPostCount {
  authorId: number;
  name: string;
  postCount: number;
}

// #region count
/** Authors with at least `minPosts` posts, most posts first. */
export async function postCountsByAuthor(prisma: PrismaClient, minPosts = 1): Promise<AuthorPostCount[]> {
  // COUNT(...) is a PostgreSQL bigint, and the driver returns bigint as a JS BigInt (1n):
  // JSON.stringify throws on it. Convert at the edge, checking the value fits in a number.
  const rows = await prisma.$queryRaw<Array<{ author_id: number; name: string; post_count: bigint }>>`
    SELECT u.id AS author_id, u.name, COUNT(p.id) AS post_count
      FROM users u
      JOIN posts p ON p.author_id = u.id
     GROUP BY u.id, u.name
    HAVING COUNT(p.id) >= ${minPosts}
     ORDER BY post_count DESC, u.id`;
  return rows.map((r) => ({ authorId: r.author_id, name: r.name, postCount: toSafeNumber(r.post_count) }));
}

export function toSafeNumber(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new RangeError(`${value} does not fit in a JavaScript number; send it as a string`);
  }
  return Number(value);
}
// #endregion count

// #region to-json
/** JSON.stringify that writes BigInt values (events.id, videos.size_bytes) as strings. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}
// #endregion to-json
