// Lab 06's public surface, for the app and later labs.
export * from './errors.ts';
export * from './deadline.ts';
export * from './keys.ts';
export * from './ttl.ts';
export * from './client-options.ts';
export * from './single-flight.ts';
export * from './redis-lock.ts';
export * from './entry.ts';
export * from './records.ts';
export * from './sources.ts';
export * from './cache.ts';
export * from './user-store.ts';
export * from './video-store.ts';
