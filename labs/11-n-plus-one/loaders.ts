// DataLoader: many `load(id)` calls made in the same tick become one batch, one query.
import type DataLoader from 'dataloader';
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

/**
 * DataLoader's contract: the batch function returns one value per key, in the order of the keys
 * (duplicates and all), whatever order the database returned the rows in. Missing rows are null.
 */
export function byId<T extends { id: number }>(ids: readonly number[], rows: readonly T[]): Array<T | null> {
  // TODO: index the rows by id (a Map), then map every id, in order, to its row or null.
  throw new Error('Not implemented yet: byId in labs/11-n-plus-one/loaders.ts');
}

/** New loaders for one request: their cache must not outlive it (another request may see newer data). */
export function createLoaders(prisma: PrismaClient): Loaders {
  // TODO: two DataLoaders whose batch function runs ONE findMany with `where: { id: { in: [...ids] } }`
  //       (select only the CardUser / CardVideo fields) and returns byId(ids, rows).
  throw new Error('Not implemented yet: createLoaders in labs/11-n-plus-one/loaders.ts');
}
