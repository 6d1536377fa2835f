// A list used as a FIFO queue: push at the tail (RPUSH), pop at the head (LPOP).
// Pushing and popping at the same end would make it a stack (LIFO).
import type { RedisContext } from './context.ts';

// #region fifo
/** Appends jobs in order and returns the queue's new length. */
export async function enqueue({ client, keys }: RedisContext, queue: string, ...jobs: string[]): Promise<number> {
  if (jobs.length === 0) return client.lLen(keys.queue(queue));
  return client.rPush(keys.queue(queue), jobs);
}

/** The oldest job, removed from the queue, or null when it is empty. */
export async function dequeue({ client, keys }: RedisContext, queue: string): Promise<string | null> {
  return client.lPop(keys.queue(queue));
}

/** Every waiting job, oldest first, without removing them. */
export async function waitingJobs({ client, keys }: RedisContext, queue: string): Promise<string[]> {
  return client.lRange(keys.queue(queue), 0, -1);
}
// #endregion fifo
