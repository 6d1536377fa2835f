import { afterAll, describe, expect, test } from 'vitest';
import { useRedis } from '../../tools/testing/test-env.ts';
import { waitFor, withDeadline } from '../../tools/testing/wait.ts';
import type { RedisClient, RedisContext } from './context.ts';
import { ErrorCode } from './errors.ts';
import { keyspace } from './keys.ts';
import { ReliableQueue } from './reliable-queue.ts';

const redis = useRedis();
const ctx = (): RedisContext => ({ client: redis.client, keys: keyspace(redis.prefix) });

// Each consumer gets a connection of its own (take() may block it); the test closes them all.
const connections: RedisClient[] = [];
async function connection(): Promise<RedisClient> {
  const client = redis.client.duplicate();
  client.on('error', () => {}); // a destroyed connection may still report; the test checks outcomes
  await client.connect();
  connections.push(client);
  return client;
}
afterAll(() => {
  for (const c of connections) if (c.isOpen) c.destroy();
});

describe('reliable queue', () => {
  test('jobs are taken in FIFO order, each by exactly one consumer', async () => {
    const queue = new ReliableQueue(ctx(), 'fair');
    const jobs = Array.from({ length: 10 }, (_, i) => `job-${i + 1}`);
    await queue.enqueue(...jobs);
    const [a, b] = [queue.consumer('a', await connection()), queue.consumer('b', await connection())];

    expect(await a.take(), 'the first job taken is the oldest').toBe('job-1');
    const drain = async (c: typeof a, got: string[] = []): Promise<string[]> => {
      const job = await c.take();
      return job === null ? got : drain(c, [...got, job]);
    };
    const [byA, byB] = await Promise.all([drain(a, ['job-1']), drain(b)]);

    expect([...byA, ...byB].sort(), 'every job exactly once across both consumers').toEqual([...jobs].sort());
    expect(await queue.inProgress('a'), "a's processing list holds what a took").toEqual(byA);
    expect(await queue.inProgress('b')).toEqual(byB);
    expect(await queue.waiting()).toEqual([]);
  });

  test('take() waits for a job that arrives later (BLMOVE), and returns null on timeout', async () => {
    const queue = new ReliableQueue(ctx(), 'blocking');
    const consumer = queue.consumer('w', await connection());

    const taking = consumer.take(5);
    taking.catch(() => {}); // awaited below; if enqueue() throws first, this rejection is not "unhandled"
    await queue.enqueue('late-job');

    expect(await withDeadline(taking, 4000, 'take(5) should return the job as soon as it is enqueued')).toBe('late-job');
    expect(await consumer.take(0.05), 'nothing left: take(0.05) returns null after 50 ms').toBeNull();
  });

  test('ack removes the job; acking a job you do not hold throws', async () => {
    const queue = new ReliableQueue(ctx(), 'acks');
    await queue.enqueue('job-a');
    const consumer = queue.consumer('c', await connection());
    const job = await consumer.take();

    await consumer.ack(job!);

    expect(await queue.inProgress('c'), 'ack should LREM the job from the processing list').toEqual([]);
    await expect(consumer.ack('job-a'), 'acking twice').rejects.toMatchObject({ code: ErrorCode.JOB_NOT_IN_PROGRESS });
  });

  test('recover() leaves a live consumer alone', async () => {
    const queue = new ReliableQueue(ctx(), 'alive', { leaseMs: 10_000 });
    await queue.enqueue('job-1');
    const consumer = queue.consumer('busy', await connection());
    await consumer.take();

    expect(await queue.recover(), "busy's lease is valid: nothing to recover").toEqual([]);
    expect(await queue.inProgress('busy')).toEqual(['job-1']);
  });

  test('a consumer killed mid-job loses nothing: its job goes back to the head of the queue', async () => {
    const queue = new ReliableQueue(ctx(), 'crash', { leaseMs: 150 });
    await queue.enqueue('job-1', 'job-2');
    const doomedConnection = await connection();
    const doomed = queue.consumer('doomed', doomedConnection);
    expect(await doomed.take()).toBe('job-1');

    doomedConnection.destroy(); // the process dies: no ack, no more lease renewals

    expect(await queue.inProgress('doomed'), 'the job waits in the dead consumer\'s processing list').toEqual(['job-1']);
    const recovered = await waitFor(
      async () => {
        const jobs = await queue.recover();
        return jobs.length ? jobs : null;
      },
      { timeoutMs: 5000, message: "recover() should move job-1 back once the doomed consumer's lease has expired" },
    );
    expect(recovered, 'recover() returns the jobs it moved').toEqual(['job-1']);
    expect(await queue.waiting(), 'job-1 is back at the head, before job-2').toEqual(['job-1', 'job-2']);
    expect(await queue.inProgress('doomed')).toEqual([]);

    const healthy = queue.consumer('healthy', await connection());
    expect(await healthy.take(), 'the next consumer gets the recovered job first').toBe('job-1');
    await healthy.ack('job-1');
    expect(await queue.waiting()).toEqual(['job-2']);
  });
});
