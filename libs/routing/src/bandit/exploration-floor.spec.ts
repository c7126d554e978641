import { describe, expect, it } from '@jest/globals';
import { explorationFloors, mixExplorationFloor } from './exploration-floor.js';

describe('explorationFloors', () => {
  it('spreads ε evenly without a budget', () => {
    expect(explorationFloors([1, 100, 10_000, 0], 0.08)).toEqual([0.02, 0.02, 0.02, 0.02]);
  });

  it('scales a floor by b / ā when one call costs more than the budget allows per request', () => {
    const floors = explorationFloors([100, 1_000, 10_000], 0.06, 500);
    expect(floors[0]).toBeCloseTo(0.02, 12);
    expect(floors[1]).toBeCloseTo(0.01, 12);
    expect(floors[2]).toBeCloseTo(0.001, 12);
  });

  it('rejects bad inputs', () => {
    expect(() => explorationFloors([1], 1.5)).toThrow(RangeError);
    expect(() => explorationFloors([-1], 0.1)).toThrow(RangeError);
    expect(() => explorationFloors([1], 0.1, Number.NaN)).toThrow(RangeError);
  });
});

describe('mixExplorationFloor', () => {
  it('is (1 − ε) · s + ε / K for uniform floors and sums to 1', () => {
    const w = mixExplorationFloor([1, 0, 0, 0], [0.0125, 0.0125, 0.0125, 0.0125]);
    expect(w[0]).toBeCloseTo(0.95 + 0.0125, 12);
    expect(w[1]).toBeCloseTo(0.0125, 12);
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('gives every arm at least its floor, with uneven floors too', () => {
    const floors = [0.02, 0.001, 0.005];
    const w = mixExplorationFloor([0, 0.25, 0.75], floors);
    w.forEach((x, i) => expect(x).toBeGreaterThanOrEqual(floors[i]!));
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('rejects mismatched lengths, bad shares and floors above 1', () => {
    expect(() => mixExplorationFloor([1], [0.1, 0.1])).toThrow(RangeError);
    expect(() => mixExplorationFloor([1.2], [0])).toThrow(RangeError);
    expect(() => mixExplorationFloor([0.5, 0.5], [0.6, 0.6])).toThrow(RangeError);
  });
});
