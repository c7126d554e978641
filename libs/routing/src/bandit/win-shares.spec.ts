import { describe, expect, it } from '@jest/globals';
import type { PosteriorDraws } from './posterior-draws.js';
import { winShares } from './win-shares.js';

/** Draws from explicit per-arm columns. */
function draws(values: number[][], costs: number[][]): PosteriorDraws {
  const m = values[0]?.length ?? 1;
  return {
    draws: m,
    arms: values.length,
    value: Float64Array.from(values.flat()),
    cost: Float64Array.from(costs.flat()),
  };
}

describe('winShares', () => {
  it('counts the draws each arm wins', () => {
    const d = draws(
      [
        [0.9, 0.5, 0.7, 0.2],
        [0.8, 0.6, 0.6, 0.1],
      ],
      [
        [0, 0, 0, 0],
        [0, 0, 0, 0],
      ],
    );
    const w = winShares(d, 0);
    expect(Array.from(w.shares)).toEqual([0.75, 0.25]);
  });

  it('breaks exact ties to the lower index', () => {
    const d = draws([[0.5], [0.5]], [[1], [1]]);
    expect(Array.from(winShares(d, 1).shares)).toEqual([1, 0]);
  });

  it('moves wins to the cheaper arm as θ grows, with a non-increasing winner cost', () => {
    const d = draws(
      [
        [0.95, 0.96, 0.97],
        [0.9, 0.91, 0.92],
      ],
      [
        [10, 10, 10],
        [1, 1, 1],
      ],
    );
    expect(Array.from(winShares(d, 0).shares)).toEqual([1, 0]);
    expect(Array.from(winShares(d, 0.1).shares)).toEqual([0, 1]);
    let last = Infinity;
    for (const theta of [0, 0.001, 0.005, 0.0055, 0.006, 0.01, 1]) {
      const cost = winShares(d, theta).meanWinnerCost;
      expect(cost).toBeLessThanOrEqual(last);
      last = cost;
    }
  });

  it('returns empty shares without arms and rejects a negative θ', () => {
    expect(winShares(draws([], []), 0).shares).toHaveLength(0);
    expect(() => winShares(draws([[1]], [[1]]), -1)).toThrow(RangeError);
  });
});
