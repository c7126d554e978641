import { describe, expect, it } from '@jest/globals';
import { providerState, tinyScenario } from '../../test/scenario.factory.js';
import { lognormalCdf } from './distributions.js';
import { bestAllocation, trueValue, type TrueValue } from './oracle-value.js';

const SETTINGS = {
  latencySloMs: 2_000,
  speedWeight: 0.25,
  costWeight: 0.1,
  costReferenceMicroUsd: 10_000,
};
const TRAFFIC = tinyScenario().traffic;

function tv(utility: number, costMicroUsd: number): TrueValue {
  return { value: utility, costMicroUsd, utility };
}

describe('trueValue', () => {
  it('is p · (a · P(L <= T) + (1 − a) · P(L <= SLO)) minus the cost term', () => {
    const state = providerState({
      successProbability: 0.9,
      latencyMedianMs: 2_000,
      latencySigma: 0.5,
    });
    const v = trueValue(state, TRAFFIC, SETTINGS, 30_000);
    const inTime = lognormalCdf(30_000, 2_000, 0.5);
    expect(v.value).toBeCloseTo(0.9 * (0.75 * inTime + 0.25 * 0.5), 9);
    expect(v.utility).toBeCloseTo(v.value - (0.1 * v.costMicroUsd) / 10_000, 12);
    expect(v.costMicroUsd).toBeGreaterThan(0);
  });

  it('is worth nothing while down', () => {
    expect(trueValue(providerState({ down: true }), TRAFFIC, SETTINGS, 30_000).value).toBe(0);
  });
});

describe('bestAllocation', () => {
  it('takes the best utility without a cap', () => {
    expect(bestAllocation([tv(0.8, 1), tv(0.9, 100), tv(0.85, 10)], null)).toEqual([0, 1, 0]);
  });

  it('takes the best affordable one when it beats every mix', () => {
    expect(bestAllocation([tv(0.8, 1), tv(0.9, 100)], 100)).toEqual([0, 1]);
  });

  it('mixes two so that the cap binds when the best is too dear', () => {
    const w = bestAllocation([tv(0.8, 10), tv(0.95, 110), tv(0.7, 0)], 60);
    expect(w[1]).toBeCloseTo(0.5, 12);
    expect(w[0]).toBeCloseTo(0.5, 12);
    expect(w[2]).toBe(0);
  });

  it('falls back to the cheapest when nothing is affordable', () => {
    expect(bestAllocation([tv(0.9, 50), tv(0.8, 20)], 10)).toEqual([0, 1]);
    expect(bestAllocation([], 10)).toEqual([]);
  });
});
