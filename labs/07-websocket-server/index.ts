// Lab 07: an authenticated, bounded WebSocket chat server.
export * from './backpressure.ts';
export * from './chat-server.ts';
export * from './errors.ts';
export * from './handshake.ts';
export * from './keys.ts';
export * from './logger.ts';
export * from './protocol.ts';
export * from './rate-limit.ts';
export * from './registry.ts';
export * from './session-auth.ts';
