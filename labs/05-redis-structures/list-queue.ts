// A list used as a FIFO queue: push at the tail (RPUSH), pop at the head (LPOP).
// Pushing and popping at the same end would make it a stack (LIFO).
import type { RedisContext } from './context.ts';

/** Appends jobs in order and returns the queue's new length. */
export async function enqueue({ client, keys }: RedisContext, queue: string, ...jobs: string[]): Promise<number> {
  // TODO: with no jobs, return the current length (LLEN): RPUSH needs at least one value
  // TODO: RPUSH the jobs onto keys.queue(queue) and return what it replies (the new length)
  throw new Error('TODO: enqueue in list-queue.ts');
}

/** The oldest job, removed from the queue, or null when it is empty. */
export async function dequeue({ client, keys }: RedisContext, queue: string): Promise<string | null> {
  // TODO: LPOP from the other end than the one you push to
  throw new Error('TODO: dequeue in list-queue.ts');
}

/** Every waiting job, oldest first, without removing them. */
export async function waitingJobs({ client, keys }: RedisContext, queue: string): Promise<string[]> {
  // TODO: LRANGE from 0 to -1 (the last element)
  throw new Error('TODO: waitingJobs in list-queue.ts');
}
