// A list used as a FIFO queue: push at the tail (RPUSH), pop at the head (LPOP).
// Pushing and popping at the same end would make it a stack (LIFO).
import type { RedisContext } from './context.ts';

/** Appends jobs in order and returns the queue's new length. */
export async function enqueue({ client, keys }: RedisContext, queue: string, ...jobs: string[]): Promise<number> {
  // TODO: add the jobs at the back of the queue's list, in order, and return the new length.
  //       Trap: Redis refuses a push with no values; an empty batch still answers the length.
  throw new Error('TODO: enqueue in list-queue.ts');
}

/** The oldest job, removed from the queue, or null when it is empty. */
export async function dequeue({ client, keys }: RedisContext, queue: string): Promise<string | null> {
  // TODO: take the oldest job off the queue (first in, first out), or null when it is empty.
  throw new Error('TODO: dequeue in list-queue.ts');
}

/** Every waiting job, oldest first, without removing them. */
export async function waitingJobs({ client, keys }: RedisContext, queue: string): Promise<string[]> {
  // TODO: the whole list, oldest first, leaving it as it is.
  throw new Error('TODO: waitingJobs in list-queue.ts');
}
