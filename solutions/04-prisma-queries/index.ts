// Lab 04: queries and transactions with Prisma Client.
export * from './errors.ts';
export * from './raw.ts';
export * from './search.ts';
export * from './sessions.ts';
export * from './transactions.ts';
export * from './users.ts';
