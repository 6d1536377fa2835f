// The pure parts: backoff delays and the offline queue.
import { describe, expect, test } from 'vitest';
import { backoffDelay } from './backoff.ts';
import { OfflineQueue } from './offline-queue.ts';

describe('backoffDelay', () => {
  const options = { baseMs: 100, capMs: 1000 };

  test('doubles the ceiling per attempt up to the cap (full jitter scales it)', () => {
    const delays = [0, 1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, options, () => 0.5));

    expect(delays, 'random() * min(capMs, baseMs * 2 ** attempt), with random() = 0.5 (backoff.ts)').toEqual([50, 100, 200, 400, 500, 500]);
  });

  test('spans 0 up to (not including) the ceiling', () => {
    expect(backoffDelay(3, options, () => 0), 'full jitter can retry at once').toBe(0);
    expect(backoffDelay(3, options, () => 0.999_999), 'never past the ceiling of 800 ms, rounded down').toBe(799);
    expect(backoffDelay(30, options, () => 0.999_999), 'a huge attempt number stays under the cap').toBe(999);
  });
});

describe('OfflineQueue', () => {
  test('keeps items in order up to its capacity, then refuses new ones', () => {
    const queue = new OfflineQueue<string>(2);

    const pushed = [queue.push('a'), queue.push('b'), queue.push('c')];

    expect(pushed, 'a full queue refuses the newest item (offline-queue.ts)').toEqual([true, true, false]);
    expect(queue.size).toBe(2);
    expect(queue.drain(), 'drain() returns the oldest first').toEqual(['a', 'b']);
    expect(queue.size, 'drain() empties the queue').toBe(0);
    expect(queue.push('d'), 'room again after a drain').toBe(true);
  });
});
