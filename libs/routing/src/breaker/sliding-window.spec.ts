import { describe, expect, it } from '@jest/globals';
import type { WindowBucket } from './circuit-state.js';
import { evictExpiredBuckets, recordInWindow, windowCounts } from './sliding-window.js';

const shape = { windowMs: 10_000, windowBuckets: 10 };

function record(
  outcomes: readonly [number, 'success' | 'failure'][],
  start: readonly WindowBucket[] = [],
): readonly WindowBucket[] {
  return outcomes.reduce(
    (window, [now, outcome]) => recordInWindow(window, now, shape, outcome),
    start,
  );
}

describe('recordInWindow', () => {
  it('creates a bucket aligned to the bucket width', () => {
    expect(recordInWindow([], 12_345, shape, 'failure')).toEqual([
      { start: 12_000, successes: 0, failures: 1 },
    ]);
  });

  it('adds to the current bucket and opens a new one at the next boundary', () => {
    const window = record([
      [1_000, 'success'],
      [1_999, 'failure'],
      [1_500, 'success'],
      [2_000, 'failure'],
    ]);
    expect(window).toEqual([
      { start: 1_000, successes: 2, failures: 1 },
      { start: 2_000, successes: 0, failures: 1 },
    ]);
  });

  it('leaves gaps for quiet buckets', () => {
    expect(
      record([
        [0, 'success'],
        [5_500, 'success'],
      ]).map((b) => b.start),
    ).toEqual([0, 5_000]);
  });

  it('counts into the newest bucket when the clock steps back', () => {
    const window = record([
      [5_000, 'success'],
      [3_000, 'failure'],
    ]);
    expect(window).toEqual([{ start: 5_000, successes: 1, failures: 1 }]);
  });

  it('evicts expired buckets before recording', () => {
    const window = record([
      [0, 'failure'],
      [1_000, 'failure'],
      [10_000, 'success'],
    ]);
    expect(window).toEqual([
      { start: 1_000, successes: 0, failures: 1 },
      { start: 10_000, successes: 1, failures: 0 },
    ]);
  });

  it('never holds more than windowBuckets buckets', () => {
    let window: readonly WindowBucket[] = [];
    for (let now = 0; now < 100_000; now += 700) {
      window = recordInWindow(window, now, shape, 'success');
      expect(window.length).toBeLessThanOrEqual(shape.windowBuckets);
    }
  });

  it('does not modify its input and returns frozen data', () => {
    const before = record([[0, 'success']]);
    const after = recordInWindow(before, 100, shape, 'failure');
    expect(before).toEqual([{ start: 0, successes: 1, failures: 0 }]);
    expect(after).toEqual([{ start: 0, successes: 1, failures: 1 }]);
    expect(Object.isFrozen(after)).toBe(true);
    expect(Object.isFrozen(after[0])).toBe(true);
  });

  it('works with a width that does not divide evenly', () => {
    const window = recordInWindow([], 1_000, { windowMs: 1_000, windowBuckets: 3 }, 'success');
    expect(window[0]!.start).toBeCloseTo(1_000, 9);
    expect(window[0]!.start).toBeLessThanOrEqual(1_000);
  });
});

describe('evictExpiredBuckets', () => {
  const window: readonly WindowBucket[] = [
    { start: 0, successes: 1, failures: 0 },
    { start: 1_000, successes: 0, failures: 1 },
    { start: 2_000, successes: 1, failures: 1 },
  ];

  it('keeps a bucket while start + windowMs > now', () => {
    expect(evictExpiredBuckets(window, 9_999, 10_000)).toBe(window);
    expect(evictExpiredBuckets(window, 10_000, 10_000).map((b) => b.start)).toEqual([1_000, 2_000]);
    expect(evictExpiredBuckets(window, 11_000, 10_000).map((b) => b.start)).toEqual([2_000]);
    expect(evictExpiredBuckets(window, 12_000, 10_000)).toEqual([]);
  });

  it('returns the same array when nothing expires', () => {
    expect(evictExpiredBuckets(window, 5_000, 10_000)).toBe(window);
    expect(evictExpiredBuckets([], 5_000, 10_000)).toEqual([]);
  });
});

describe('windowCounts', () => {
  it('sums successes, failures and calls', () => {
    expect(
      windowCounts([
        { start: 0, successes: 3, failures: 1 },
        { start: 1_000, successes: 2, failures: 4 },
      ]),
    ).toEqual({ successes: 5, failures: 5, calls: 10 });
  });

  it('is zero for an empty window', () => {
    expect(windowCounts([])).toEqual({ successes: 0, failures: 0, calls: 0 });
  });
});
