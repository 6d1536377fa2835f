// Lab 08: a reconnecting chat client for Node and browsers.
export * from './backoff.ts';
export * from './chat-client.ts';
export * from './connectors.ts';
export * from './emitter.ts';
export * from './offline-queue.ts';
export * from './socket.ts';
