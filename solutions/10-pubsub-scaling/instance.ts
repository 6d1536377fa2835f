// One cluster instance as its own process, for lab 10's tests and benchmark (not a file to edit):
//
//   DATABASE_URL REDIS_URL KEY_PREFIX  where sessions live, which Redis, the prefix of every key
//   CLUSTER_MODE      relay | pubsub                     @default relay
//   RELAY_MAXLEN      history per stream (entries)       @default 10000
//   PRESENCE_TTL_MS   presence expiry                    @default 15000
//
//   EXIT_WITH_STDIN   1: exit when stdin closes (the test that started it is gone)
//
// It listens on a free port and prints one line of JSON: {"port":41234,"instanceId":"..."}.
// SIGTERM closes it gracefully; a test may also SIGKILL it.
import { createClient, type RedisClientType } from 'redis';
import { createPrismaClient } from '../../prisma/client.ts';
import { startClusterNode, type ClusterMode } from './node.ts';

const env = process.env;
if (env.EXIT_WITH_STDIN === '1') {
  // A test worker stopped mid-test (a timeout, the runner's watchdog) never kills what it started:
  // its end of this pipe closes with it, and the instance follows instead of running on.
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
}
function required(name: string): string {
  const value = env[name];
  if (value) return value;
  console.error(`instance: ${name} is not set`);
  process.exit(2);
}

const prisma = createPrismaClient(required('DATABASE_URL'));
const redis: RedisClientType = createClient({ url: required('REDIS_URL') });
const subscriber: RedisClientType = redis.duplicate();
for (const client of [redis, subscriber]) client.on('error', () => {}); // they reconnect by themselves
await Promise.all([redis.connect(), subscriber.connect()]);

try {
  const node = await startClusterNode({
    prisma,
    redis,
    subscriber,
    keyPrefix: required('KEY_PREFIX'),
    mode: (env.CLUSTER_MODE as ClusterMode | undefined) ?? 'relay',
    relay: { maxLen: Number(env.RELAY_MAXLEN ?? 10_000) },
    presenceTtlMs: Number(env.PRESENCE_TTL_MS ?? 15_000),
    // Tests and the benchmark send fast on purpose: the limits of lab 07 are not what they measure.
    rateLimit: { capacity: 10_000, refillPerSecond: 10_000 },
    userRateLimit: { capacity: 10_000, refillPerSecond: 10_000 },
  });
  console.log(JSON.stringify({ port: node.chat.port, instanceId: node.instanceId }));
  process.once('SIGTERM', () => {
    void node
      .close()
      .then(() => Promise.all([prisma.$disconnect(), redis.close(), subscriber.close()]))
      .finally(() => process.exit(0));
  });
} catch (error) {
  console.error(`instance failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
