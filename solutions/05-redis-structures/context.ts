// What every module of this lab is given: a connected client and the keyspace to build keys with.
// The caller creates, connects and closes the client; the modules only use it.
import type { RedisClientType } from 'redis';
import type { Keyspace } from './keys.ts';

export type RedisClient = RedisClientType;

export interface RedisContext {
  client: RedisClient;
  keys: Keyspace;
}
