import { describe, expect, it } from '@jest/globals';
import { computeRouteWeights } from '../bandit/route-weights.js';
import { SeededRng } from '../rng.js';
import { jobWorkload } from './job-workload.js';

describe('jobWorkload', () => {
  it('builds routes x deployments x minutes of valid rows the job accepts', () => {
    const routes = jobWorkload(
      { routes: 2, deploymentsPerRoute: 3, minutes: 30, nowMs: 6_000_000, withBudget: true },
      new SeededRng('w'),
    );
    expect(routes).toHaveLength(2);
    expect(routes[0]!.rollups).toHaveLength(90);
    expect(routes[0]!.budget).not.toBeNull();
    const out = computeRouteWeights(routes[0]!, new SeededRng(1));
    expect(Object.values(out.weights).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(out.pacing).not.toBeNull();
  });
});
