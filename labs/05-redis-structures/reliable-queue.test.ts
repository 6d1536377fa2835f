import { afterAll, describe, expect, test } from 'vitest';
import { useRedis } from '../../tools/testing/test-env.ts';
import { waitFor, withDeadline } from '../../tools/testing/wait.ts';
import type { RedisClient, RedisContext } from './context.ts';
import { ErrorCode } from './errors.ts';
import { keyspace } from './keys.ts';
import { ReliableQueue } from './reliable-queue.ts';
import { say } from '../../tools/testing/say.ts';
import { rejected } from '../../tools/testing/settled.ts';

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

    expect(await a.take(), say({ en: 'the first job taken is the oldest', ko: '처음 꺼낸 작업은 가장 오래된 것이어야 합니다' })).toBe('job-1');
    const drain = async (c: typeof a, got: string[] = []): Promise<string[]> => {
      const job = await c.take();
      return job === null ? got : drain(c, [...got, job]);
    };
    const [byA, byB] = await Promise.all([drain(a, ['job-1']), drain(b)]);

    expect([...byA, ...byB].sort(), say({ en: 'every job exactly once across both consumers', ko: '두 소비자를 합쳐 모든 작업이 정확히 한 번씩이어야 합니다' })).toEqual([...jobs].sort());
    expect(await queue.inProgress('a'), say({ en: "a's processing list holds what a took", ko: 'a의 처리 중 리스트에는 a가 꺼낸 것이 있어야 합니다' })).toEqual(byA);
    expect(await queue.inProgress('b')).toEqual(byB);
    expect(await queue.waiting()).toEqual([]);
  });

  test('take() waits for a job that arrives later (BLMOVE), and returns null on timeout', async () => {
    const queue = new ReliableQueue(ctx(), 'blocking');
    const consumer = queue.consumer('w', await connection());

    const taking = consumer.take(5);
    taking.catch(() => {}); // awaited below; if enqueue() throws first, this rejection is not "unhandled"
    await queue.enqueue('late-job');

    expect(await withDeadline(taking, 4000, say({ en: 'take(5) should return the job as soon as it is enqueued', ko: 'take(5)는 작업이 넣어지자마자 그 작업을 돌려줘야 합니다' }))).toBe('late-job');
    expect(await consumer.take(0.05), say({ en: 'nothing left: take(0.05) returns null after 50 ms', ko: '남은 것이 없으면 take(0.05)는 50 ms 뒤 null을 돌려줘야 합니다' })).toBeNull();
  });

  test('ack removes the job; acking a job you do not hold throws', async () => {
    const queue = new ReliableQueue(ctx(), 'acks');
    await queue.enqueue('job-a');
    const consumer = queue.consumer('c', await connection());
    const job = await consumer.take();

    await consumer.ack(job!);

    expect(await queue.inProgress('c'), say({ en: 'ack should LREM the job from the processing list', ko: 'ack는 처리 중 리스트에서 작업을 LREM해야 합니다' })).toEqual([]);
    (await rejected(consumer.ack('job-a'), say({ en: 'a second ack of the same job should throw JOB_NOT_IN_PROGRESS (LREM returned 0)', ko: '같은 작업을 두 번째로 ack하면 JOB_NOT_IN_PROGRESS 오류를 던져야 합니다(LREM이 0을 돌려줍니다)' }))).toMatchObject({ code: ErrorCode.JOB_NOT_IN_PROGRESS });
  });

  test('recover() leaves a live consumer alone', async () => {
    const queue = new ReliableQueue(ctx(), 'alive', { leaseMs: 10_000 });
    await queue.enqueue('job-1');
    const consumer = queue.consumer('busy', await connection());
    await consumer.take();

    expect(await queue.recover(), say({ en: "busy's lease is valid: nothing to recover", ko: 'busy의 리스가 유효합니다: 복구할 것이 없어야 합니다' })).toEqual([]);
    expect(await queue.inProgress('busy')).toEqual(['job-1']);
  });

  test('a consumer killed mid-job loses nothing: its job goes back to the head of the queue', async () => {
    const queue = new ReliableQueue(ctx(), 'crash', { leaseMs: 150 });
    await queue.enqueue('job-1', 'job-2');
    const doomedConnection = await connection();
    const doomed = queue.consumer('doomed', doomedConnection);
    expect(await doomed.take()).toBe('job-1');

    doomedConnection.destroy(); // the process dies: no ack, no more lease renewals

    expect(await queue.inProgress('doomed'), say({ en: 'the job waits in the dead consumer\'s processing list', ko: '작업은 죽은 소비자의 처리 중 리스트에서 기다립니다' })).toEqual(['job-1']);
    const recovered = await waitFor(
      async () => {
        const jobs = await queue.recover();
        return jobs.length ? jobs : null;
      },
      { timeoutMs: 5000, message: say({ en: "recover() should move job-1 back once the doomed consumer's lease has expired", ko: '죽은 소비자의 리스가 만료되면 recover()가 job-1을 되돌려야 합니다' }) },
    );
    expect(recovered, say({ en: 'recover() returns the jobs it moved', ko: 'recover()는 옮긴 작업을 돌려줘야 합니다' })).toEqual(['job-1']);
    expect(await queue.waiting(), say({ en: 'job-1 is back at the head, before job-2', ko: 'job-1이 job-2보다 앞, 맨 앞으로 돌아와야 합니다' })).toEqual(['job-1', 'job-2']);
    expect(await queue.inProgress('doomed')).toEqual([]);

    const healthy = queue.consumer('healthy', await connection());
    expect(await healthy.take(), say({ en: 'the next consumer gets the recovered job first', ko: '다음 소비자는 복구된 작업을 먼저 받아야 합니다' })).toBe('job-1');
    await healthy.ack('job-1');
    expect(await queue.waiting()).toEqual(['job-2']);
  });
});
