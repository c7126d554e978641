import { describe, expect, it } from '@jest/globals';
import { SeededRng } from '../rng.js';
import {
  MAX_PACING_LAMBDA,
  projectedSpendPerRequest,
  solvePacingLambda,
  type PacingInput,
} from './budget-pacing.js';
import type { DeploymentPosterior } from './deployment-posterior.js';
import { mixExplorationFloor } from './exploration-floor.js';
import { drawPosteriors } from './posterior-draws.js';
import { winShares } from './win-shares.js';

function posterior(alpha: number, beta: number, cost: number): DeploymentPosterior {
  return {
    success: { alpha, beta },
    fast: { alpha: 50, beta: 2 },
    costShape: 201,
    costScale: 200 * cost,
    costMean: cost,
    costPrior: cost,
  };
}

/** Three arms: good and dear, fair and cheaper, poor and cheap. */
function problem(target: number, rate = 100): PacingInput {
  const posteriors = [
    posterior(995, 5, 10_000),
    posterior(990, 10, 1_500),
    posterior(900, 100, 250),
  ];
  const draws = drawPosteriors(
    posteriors,
    1_000,
    0.25,
    posteriors.map((_, i) => new SeededRng(`pacing-${i}`)),
  );
  return {
    draws,
    costWeight: 0.1,
    costReferenceMicroUsd: 10_000,
    floors: [0.01, 0.01, 0.01],
    attemptCosts: [9_950, 1_485, 225],
    failureProbabilities: [0.005, 0.01, 0.1],
    requestsPerMinute: rate,
    targetMicroUsdPerMinute: target,
  };
}

function spendAt(input: PacingInput, lambda: number): number {
  const s = winShares(input.draws, (input.costWeight + lambda) / input.costReferenceMicroUsd);
  const w = mixExplorationFloor(s.shares, input.floors);
  return (
    input.requestsPerMinute *
    projectedSpendPerRequest(w, input.attemptCosts, input.failureProbabilities)
  );
}

describe('projectedSpendPerRequest', () => {
  it('adds one failover drawn from the remaining weights', () => {
    // 0.5·(100 + 0.1·200) + 0.5·(200 + 0.2·100)
    expect(projectedSpendPerRequest([0.5, 0.5], [100, 200], [0.1, 0.2])).toBeCloseTo(170, 12);
    expect(projectedSpendPerRequest([1, 0], [100, 200], [0.5, 0])).toBe(100);
    expect(() => projectedSpendPerRequest([1], [1, 2], [0])).toThrow(RangeError);
  });
});

describe('solvePacingLambda', () => {
  it('is 0 when the unpaced spend already fits', () => {
    const input = problem(1e12);
    const r = solvePacingLambda(input);
    expect(r.lambda).toBe(0);
    expect(r.feasible).toBe(true);
    expect(r.evaluations).toBe(1);
    expect(r.projectedMicroUsdPerMinute).toBeCloseTo(spendAt(input, 0), 6);
  });

  it('finds the smallest λ that fits: S(λ) <= target < S(λ − tolerance)', () => {
    const unpaced = spendAt(problem(0), 0);
    const cheapest = spendAt(problem(0), 1e6);
    expect(cheapest).toBeLessThan(unpaced);
    const input = problem((unpaced + cheapest) / 2);
    const r = solvePacingLambda(input);
    expect(r.feasible).toBe(true);
    expect(r.lambda).toBeGreaterThan(0);
    expect(r.projectedMicroUsdPerMinute).toBeLessThanOrEqual(input.targetMicroUsdPerMinute);
    expect(spendAt(input, r.lambda)).toBeCloseTo(r.projectedMicroUsdPerMinute, 6);
    expect(spendAt(input, r.lambda * (1 - 2e-4))).toBeGreaterThan(input.targetMicroUsdPerMinute);
    expect(r.evaluations).toBeLessThan(40);
  });

  it('reports infeasible at the cap when even the cheapest arm is too dear', () => {
    const r = solvePacingLambda(problem(1));
    expect(r.feasible).toBe(false);
    expect(r.lambda).toBe(MAX_PACING_LAMBDA);
    expect(r.shares[2]).toBe(1);
  });

  it('gives the same answer for the same draws (deterministic)', () => {
    const a = solvePacingLambda(problem(30_000));
    const b = solvePacingLambda(problem(30_000));
    expect(b).toEqual(a);
  });

  it('rejects bad inputs', () => {
    expect(() => solvePacingLambda({ ...problem(1), costReferenceMicroUsd: 0 })).toThrow(
      RangeError,
    );
    expect(() => solvePacingLambda({ ...problem(1), requestsPerMinute: -1 })).toThrow(RangeError);
    expect(() => solvePacingLambda({ ...problem(1), floors: [0.1] })).toThrow(RangeError);
  });
});
