// Lab 10: several instances of lab 07's server joined by Redis, and a relay that loses nothing.
export * from './bus.ts';
export * from './fanout.ts';
export * from './interest.ts';
export * from './node.ts';
export * from './presence.ts';
export * from './relay.ts';
export * from './resuming-client.ts';
export * from './streams.ts';
