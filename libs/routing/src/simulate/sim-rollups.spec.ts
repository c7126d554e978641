import { describe, expect, it } from '@jest/globals';
import { SimRollups } from './sim-rollups.js';
import type { SimAttempt } from './provider-model.js';

const OK: SimAttempt = {
  outcome: 'success',
  latencyMs: 800,
  inputTokens: 100,
  outputTokens: 50,
  costMicroUsd: 70,
  committed: true,
};
const FAIL: SimAttempt = {
  ...OK,
  outcome: 'timeout',
  inputTokens: 0,
  outputTokens: 0,
  costMicroUsd: 0,
};

describe('SimRollups', () => {
  it('builds per-minute rows like the ledger (histogram of successes only)', () => {
    const r = new SimRollups();
    r.record(1_000, 'a', OK);
    r.record(2_000, 'a', FAIL);
    r.record(3_000, 'b', OK);
    r.record(61_000, 'a', OK);
    const rows = r.since(0);
    expect(rows.map((x) => [x.deploymentId, x.minute, x.attempts])).toEqual([
      ['a', 0, 2],
      ['b', 0, 1],
      ['a', 60_000, 1],
    ]);
    expect(rows[0]!.outcomes).toEqual({ success: 1, timeout: 1 });
    expect(rows[0]!.latencyBuckets.reduce((s, x) => s + x, 0)).toBe(1);
    expect(rows[0]!.costMicroUsd).toBe(70);
    expect(r.since(60_000)).toHaveLength(1);
  });

  it('refuses attempts older than the open minute', () => {
    const r = new SimRollups();
    r.record(120_000, 'a', OK);
    expect(() => r.record(10_000, 'a', OK)).toThrow(RangeError);
  });
});
