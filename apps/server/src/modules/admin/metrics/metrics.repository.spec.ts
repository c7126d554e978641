import { describe, expect, it } from '@jest/globals';
import { emptyLatencyBuckets, LATENCY_BUCKET_COUNT } from '@stilts/routing';
import { parseBuckets } from './metrics.repository.js';

describe('parseBuckets', () => {
  it('reads the comma-separated sums the query sends, bucket by bucket', () => {
    const buckets = Array.from({ length: LATENCY_BUCKET_COUNT }, (_, i) => (i * 7919) % 1_000);
    buckets[3] = 0;
    buckets[LATENCY_BUCKET_COUNT - 1] = 9_007_199_254;
    expect(parseBuckets(buckets.join(','))).toEqual(buckets);
  });

  it('reads all zeros, and an empty string as an empty histogram', () => {
    expect(parseBuckets(emptyLatencyBuckets().join(','))).toEqual(emptyLatencyBuckets());
    expect(parseBuckets('')).toEqual(emptyLatencyBuckets());
  });
});
