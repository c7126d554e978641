import { describe, expect, it } from '@jest/globals';
import { SeededRng } from '../rng.js';
import type { DeploymentPosterior } from './deployment-posterior.js';
import { drawPosteriors } from './posterior-draws.js';

function posterior(alpha: number, beta: number, cost = 100): DeploymentPosterior {
  return {
    success: { alpha, beta },
    fast: { alpha: 9, beta: 1 },
    costShape: 1_001,
    costScale: 1_000 * cost,
    costMean: cost,
    costPrior: cost,
  };
}

describe('drawPosteriors', () => {
  it('samples value = p_succ · (a + (1 − a) · p_fast) and cost around their means', () => {
    const d = drawPosteriors([posterior(90, 10)], 20_000, 0.25, [new SeededRng('v')]);
    let value = 0;
    let cost = 0;
    for (let m = 0; m < d.draws; m++) {
      value += d.value[m]!;
      cost += d.cost[m]!;
    }
    expect(value / d.draws).toBeCloseTo(0.9 * (0.75 + 0.25 * 0.9), 2);
    expect(cost / d.draws).toBeCloseTo(100, 0);
  });

  it("keeps one arm's draws independent of the others (one rng per arm)", () => {
    const alone = drawPosteriors([posterior(5, 5)], 100, 0.25, [new SeededRng('arm-a')]);
    const pair = drawPosteriors([posterior(5, 5), posterior(50, 1)], 100, 0.25, [
      new SeededRng('arm-a'),
      new SeededRng('arm-b'),
    ]);
    expect(Array.from(pair.value.subarray(0, 100))).toEqual(Array.from(alone.value));
    expect(pair.arms).toBe(2);
  });

  it('rejects a bad draw count, speed weight or rng list', () => {
    const one = [new SeededRng(1)];
    expect(() => drawPosteriors([posterior(1, 1)], 0, 0.25, one)).toThrow(RangeError);
    expect(() => drawPosteriors([posterior(1, 1)], 10, 1.5, one)).toThrow(RangeError);
    expect(() => drawPosteriors([posterior(1, 1)], 10, 0.25, [])).toThrow(RangeError);
  });
});
