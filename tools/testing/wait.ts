// Waiting without sleeping: poll a condition until it holds, or fail with a message after a deadline.

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
 * Not `vi.waitFor`: that one retries only while the callback throws, and with its setInterval
 * polling the app's shutdown test saw closed sockets' handles stay alive for the whole deadline;
 * this loop yields to I/O between polls (measured: released within one poll).
 */
export async function waitFor<T>(probe: () => T | Promise<T>, options: WaitOptions = {}): Promise<NonNullable<T>> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const intervalMs = options.intervalMs ?? 10;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const why = options.message ?? 'condition did not become true';
      throw new Error(`Timed out after ${timeoutMs} ms: ${why}`, { cause: lastError });
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
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
