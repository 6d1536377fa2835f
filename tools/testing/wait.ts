// Waiting without sleeping: poll a condition until it holds, or fail with a message after a deadline.
import { vi } from 'vitest';

export interface WaitOptions {
  /** Give up after this many milliseconds. @default 5000 */
  timeoutMs?: number;
  /** Delay between polls. @default 10 */
  intervalMs?: number;
  /** Told to the learner when the deadline passes. */
  message?: string;
}

/**
 * Resolves with the first truthy value `probe` returns; rejects with `message` after the deadline.
 * A thin layer over vitest's `vi.waitFor` (which retries only while the callback throws) that also
 * retries on a falsy value and words the timeout for the learner.
 */
export async function waitFor<T>(probe: () => T | Promise<T>, options: WaitOptions = {}): Promise<NonNullable<T>> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const why = options.message ?? 'condition did not become true';
  try {
    return await vi.waitFor(
      async () => {
        const value = await probe();
        if (!value) throw new Error(why);
        return value as NonNullable<T>;
      },
      { timeout: timeoutMs, interval: options.intervalMs ?? 10 },
    );
  } catch (error) {
    throw new Error(`Timed out after ${timeoutMs} ms: ${why}`, { cause: error });
  }
}

/** Races a promise against a deadline, so a test that waits on an event fails with a reason instead of hanging. */
export async function withDeadline<T>(promise: Promise<T>, timeoutMs: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${timeoutMs} ms: ${message}`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
