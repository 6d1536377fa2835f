// Lab 05's public surface, for later labs (06 caches with the JSON codec; 09 shows BullMQ doing
// what reliable-queue.ts does by hand).
export * from './context.ts';
export * from './errors.ts';
export * from './keys.ts';
export * from './strings.ts';
export * from './json.ts';
export * from './hashes.ts';
export * from './list-queue.ts';
export * from './tags.ts';
export * from './leaderboard.ts';
export * from './scan.ts';
export * from './reliable-queue.ts';
