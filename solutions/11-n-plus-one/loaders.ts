// DataLoader: many `load(id)` calls made in the same tick become one batch, one query.
import DataLoader from 'dataloader';
import type { PrismaClient } from '../../prisma/client.ts';

export interface CardUser {
  id: number;
  name: string;
}

export interface CardVideo {
  id: number;
  title: string;
  durationMs: number | null;
}

export interface Loaders {
  userById: DataLoader<number, CardUser | null>;
  videoById: DataLoader<number, CardVideo | null>;
}

// #region by-id
/**
 * DataLoader's contract: the batch function returns one value per key, in the order of the keys
 * (duplicates and all), whatever order the database returned the rows in. Missing rows are null.
 */
export function byId<T extends { id: number }>(ids: readonly number[], rows: readonly T[]): Array<T | null> {
  const rowsById = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => rowsById.get(id) ?? null);
}
// #endregion by-id

// #region loaders
/** New loaders for one request: their cache must not outlive it (another request may see newer data). */
export function createLoaders(prisma: PrismaClient): Loaders {
  return {
    userById: new DataLoader(async (ids) =>
      byId(ids, await prisma.user.findMany({ where: { id: { in: [...ids] } }, select: { id: true, name: true } })),
    ),
    videoById: new DataLoader(async (ids) =>
      byId(ids, await prisma.video.findMany({ where: { id: { in: [...ids] } }, select: { id: true, title: true, durationMs: true } })),
    ),
  };
}
// #endregion loaders
