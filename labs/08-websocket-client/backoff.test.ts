// The pure parts: backoff delays and the offline queue.
import { describe, expect, test } from 'vitest';
import { backoffDelay } from './backoff.ts';
import { OfflineQueue } from './offline-queue.ts';
import { say } from '../../tools/testing/say.ts';

describe('backoffDelay', () => {
  const options = { baseMs: 100, capMs: 1000 };

  test('doubles the ceiling per attempt up to the cap (full jitter scales it)', () => {
    const delays = [0, 1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, options, () => 0.5));

    expect(delays, say({ en: 'random() * min(capMs, baseMs * 2 ** attempt), with random() = 0.5 (backoff.ts)', ko: 'random() * min(capMs, baseMs * 2 ** attempt), random() = 0.5일 때(backoff.ts)' })).toEqual([50, 100, 200, 400, 500, 500]);
  });

  test('spans 0 up to (not including) the ceiling', () => {
    expect(backoffDelay(3, options, () => 0), say({ en: 'full jitter can retry at once', ko: '풀 지터면 곧바로 다시 시도할 수도 있습니다' })).toBe(0);
    expect(backoffDelay(3, options, () => 0.999_999), say({ en: 'never past the ceiling of 800 ms, rounded down', ko: '상한 800 ms를 넘지 않고, 내림해야 합니다' })).toBe(799);
    expect(backoffDelay(30, options, () => 0.999_999), say({ en: 'a huge attempt number stays under the cap', ko: '시도 횟수가 아주 커도 cap 아래에 있어야 합니다' })).toBe(999);
  });
});

describe('OfflineQueue', () => {
  test('keeps items in order up to its capacity, then refuses new ones', () => {
    const queue = new OfflineQueue<string>(2);

    const pushed = [queue.push('a'), queue.push('b'), queue.push('c')];

    expect(pushed, say({ en: 'a full queue refuses the newest item (offline-queue.ts)', ko: '가득 찬 큐는 가장 새 항목을 거절해야 합니다(offline-queue.ts)' })).toEqual([true, true, false]);
    expect(queue.size).toBe(2);
    expect(queue.drain(), say({ en: 'drain() returns the oldest first', ko: 'drain()은 가장 오래된 것부터 돌려줘야 합니다' })).toEqual(['a', 'b']);
    expect(queue.size, say({ en: 'drain() empties the queue', ko: 'drain()은 큐를 비워야 합니다' })).toBe(0);
    expect(queue.push('d'), say({ en: 'room again after a drain', ko: 'drain 뒤에는 다시 자리가 있어야 합니다' })).toBe(true);
  });
});
