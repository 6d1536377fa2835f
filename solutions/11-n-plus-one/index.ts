// Lab 11: finding and fixing N+1 queries.
export * from './errors.ts';
export * from './feed.ts';
export * from './job-cards.ts';
export * from './loaders.ts';
export * from './query-counter.ts';
