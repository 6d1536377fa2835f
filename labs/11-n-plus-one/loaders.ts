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
  // TODO: one entry per id, in the order of `ids`: its row, or null when no row has that id. Rows
  //       come back in any order, and not at all for a missing id. Trap: a lookup by scanning the
  //       array for each id is quadratic.
  throw new Error('Not implemented yet: byId in labs/11-n-plus-one/loaders.ts');
}

/** New loaders for one request: their cache must not outlive it (another request may see newer data). */
export function createLoaders(prisma: PrismaClient): Loaders {
  // TODO: a users loader and a videos loader. Each batch function sends one query for all the ids
  //       of its batch (only the CardUser / CardVideo fields) and honours DataLoader's contract: one
  //       value per key, in key order (byId above).
  throw new Error('Not implemented yet: createLoaders in labs/11-n-plus-one/loaders.ts');
}
