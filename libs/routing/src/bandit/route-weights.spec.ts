import { describe, expect, it } from '@jest/globals';
import { rollupRow, rollupSeries, type RollupSpec } from '../../test/rollup.factory.js';
import { SeededRng, createSeededRng, type Rng } from '../rng.js';
import type { RollupInput } from './rollup-input.js';
import {
  computeRouteWeights,
  computeWeightsForRoutes,
  type DeploymentInput,
  type RouteWeightsInput,
} from './route-weights.js';

const NOW = 10_000 * 60_000 + 20_000;
const PRICES = {
  dear: { inputPerMillion: 5_000_000, outputPerMillion: 15_000_000 },
  mid: { inputPerMillion: 600_000, outputPerMillion: 2_400_000 },
  cheap: { inputPerMillion: 100_000, outputPerMillion: 400_000 },
};
const DEPLOYMENTS: DeploymentInput[] = [
  { deploymentId: 'dear', price: PRICES.dear },
  { deploymentId: 'mid', price: PRICES.mid },
  { deploymentId: 'cheap', price: PRICES.cheap },
];

/** 60 minutes of history for each deployment, per-minute specs by deployment and minute. */
function history(
  spec: (id: string, i: number) => Omit<RollupSpec, 'minute' | 'deploymentId'>,
  minutes = 60,
): RollupInput[] {
  return DEPLOYMENTS.flatMap((d) =>
    rollupSeries(Math.floor(NOW / 60_000) * 60_000, minutes, (i) => ({
      deploymentId: d.deploymentId,
      ...spec(d.deploymentId, i),
    })),
  );
}

const HEALTHY: Record<string, Omit<RollupSpec, 'minute' | 'deploymentId'>> = {
  dear: { successes: 5, latencyMs: 1_500 },
  mid: { successes: 280, failures: 1, latencyMs: 2_000 },
  cheap: { successes: 9, failures: 1, latencyMs: 9_000 },
};

function input(patch: Partial<RouteWeightsInput> = {}): RouteWeightsInput {
  return {
    routeId: 'chat',
    nowMs: NOW,
    deployments: DEPLOYMENTS,
    rollups: history((id) => HEALTHY[id]!),
    ...patch,
  };
}

class CountingRng implements Rng {
  draws = 0;
  constructor(private readonly inner: Rng) {}
  next(): number {
    this.draws++;
    return this.inner.next();
  }
}

describe('computeRouteWeights', () => {
  it('gives weights that sum to 1, with the floor for every eligible deployment', () => {
    const out = computeRouteWeights(input(), createSeededRng(1));
    const sum = Object.values(out.weights).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(1, 12);
    for (const d of out.deployments) expect(d.weight).toBeGreaterThanOrEqual(0.05 / 3 - 1e-12);
    expect(out.weights.mid).toBeGreaterThan(0.9);
    expect(out.lambda).toBe(0);
    expect(out.pacing).toBeNull();
    expect(out.deployments.find((d) => d.deploymentId === 'mid')!.reason).toMatch(/^winner: /);
  });

  it('gives disabled and budget-blocked deployments 0 and spreads 1 over the rest', () => {
    const out = computeRouteWeights(
      input({
        deployments: [
          { ...DEPLOYMENTS[0]!, enabled: false },
          { ...DEPLOYMENTS[1]!, budgetBlocked: true },
          DEPLOYMENTS[2]!,
        ],
      }),
      createSeededRng(1),
    );
    expect(out.weights).toEqual({ dear: 0, mid: 0, cheap: 1 });
    expect(out.deployments.map((d) => d.status)).toEqual([
      'disabled',
      'budget-blocked',
      'eligible',
    ]);
    expect(out.deployments[1]!.reason).toBe('blocked by budget');
    expect(out.deployments[1]!.posterior.successMean).toBeGreaterThan(0.99);
  });

  it('is deterministic under a seed and draws exactly once from the rng', () => {
    const rng = new CountingRng(createSeededRng('same'));
    const a = computeRouteWeights(input(), rng);
    expect(rng.draws).toBe(1);
    const b = computeRouteWeights(input(), createSeededRng('same'));
    expect(b).toEqual(a);
    // Three look-alikes without a cost preference: shares depend on the draws, hence the seed.
    const contested = input({ rollups: history(() => HEALTHY.mid!), objective: { costWeight: 0 } });
    const x = computeRouteWeights(contested, createSeededRng('x'));
    const y = computeRouteWeights(contested, createSeededRng('y'));
    expect(x.deployments.map((d) => d.winShare)).not.toEqual(y.deployments.map((d) => d.winShare));
    expect(computeRouteWeights(contested, createSeededRng('x'))).toEqual(x);
  });

  it('prefers the cheaper of two equally good deployments through the cost weight', () => {
    const same = history((id) => (id === 'cheap' ? HEALTHY.mid! : HEALTHY[id]!));
    const out = computeRouteWeights(input({ rollups: same }), createSeededRng(3));
    expect(out.weights.cheap).toBeGreaterThan(0.9);
    const free = computeRouteWeights(
      input({ rollups: same, objective: { costWeight: 0 } }),
      createSeededRng(3),
    );
    expect(free.weights.cheap).toBeLessThan(0.8);
    expect(Math.abs(free.weights.cheap! - free.weights.mid!)).toBeLessThan(0.3);
  });

  it('paces to a budget: λ > 0, spend projected under the target, traffic moved to cheaper deployments', () => {
    const unpaced = computeRouteWeights(input(), createSeededRng(5));
    const perRequest = unpaced.projectedSpendMicroUsdPerRequest;
    const out = computeRouteWeights(
      input({
        budget: {
          budgetId: 'team',
          remainingMicroUsd: (perRequest * 300 * 60) / 3,
          remainingPeriodMs: 3_600_000,
        },
        requestsPerMinute: 300,
      }),
      createSeededRng(5),
    );
    expect(out.lambda).toBeGreaterThan(0);
    expect(out.pacing!.feasible).toBe(true);
    expect(out.pacing!.budgetId).toBe('team');
    expect(out.pacing!.projectedMicroUsdPerMinute).toBeLessThanOrEqual(
      out.pacing!.targetMicroUsdPerMinute,
    );
    expect(out.pacing!.targetMicroUsdPerMinute).toBeCloseTo(
      0.95 * out.pacing!.paceMicroUsdPerMinute,
      6,
    );
    expect(out.weights.cheap).toBeGreaterThan(unpaced.weights.cheap!);
  });

  it('keeps λ = 0 without a budget even at a high request rate', () => {
    expect(computeRouteWeights(input({ requestsPerMinute: 1e6 }), createSeededRng(5)).lambda).toBe(
      0,
    );
  });

  it('takes a failing provider below half its weight within two 15-second runs', () => {
    const base = Math.floor(NOW / 60_000) * 60_000;
    const before = computeRouteWeights(input(), createSeededRng('f0')).weights.mid!;
    // The failure starts 30 s before the run; the still-open minute holds 15 s of it per run.
    const rows = (failingSeconds: number): RollupInput[] => [
      ...history((id) => HEALTHY[id]!),
      rollupRow({
        deploymentId: 'mid',
        minute: base,
        successes: 70,
        failures: Math.round(4.7 * failingSeconds),
      }),
    ];
    const first = computeRouteWeights(input({ rollups: rows(15) }), createSeededRng('f1')).weights
      .mid!;
    const second = computeRouteWeights(
      input({ nowMs: NOW + 15_000, rollups: rows(30) }),
      createSeededRng('f2'),
    ).weights.mid!;
    expect(before).toBeGreaterThan(0.9);
    expect(Math.min(first, second)).toBeLessThan(before / 2);
  });

  it('brings a provider back after an outage within a few minutes of clean calls', () => {
    const outage = (minutesOfRecovery: number): RollupInput[] =>
      history((id, i) => {
        if (id !== 'mid') return HEALTHY[id]!;
        const recoveredAt = 120 - minutesOfRecovery;
        if (i < 20) return HEALTHY.mid!;
        if (i < recoveredAt) return { failures: 1 };
        // After recovery only floor traffic at first: 4 calls a minute.
        return { successes: 4, latencyMs: 2_000 };
      }, 120);
    const during = computeRouteWeights(input({ rollups: outage(0) }), createSeededRng('r0'));
    expect(during.weights.mid).toBeLessThan(0.05);
    const after = computeRouteWeights(input({ rollups: outage(3) }), createSeededRng('r3'));
    const mid = after.deployments.find((d) => d.deploymentId === 'mid')!;
    expect(mid.changeAtMs).not.toBeNull();
    expect(mid.posterior.successMean).toBeGreaterThan(0.95);
    expect(mid.weight).toBeGreaterThan(0.3);
  });

  it('reprices history at the current price', () => {
    const cheaper = computeRouteWeights(
      input({
        deployments: [
          { deploymentId: 'dear', price: { inputPerMillion: 50_000, outputPerMillion: 150_000 } },
          DEPLOYMENTS[1]!,
          DEPLOYMENTS[2]!,
        ],
        objective: { costReferenceMicroUsd: 10_000 },
      }),
      createSeededRng(9),
    );
    const dear = cheaper.deployments[0]!;
    expect(dear.posterior.costPerSuccessMicroUsd).toBeLessThan(200);
    expect(cheaper.costReferenceMicroUsd).toBe(10_000);
  });

  it('handles a route without data (priors only) and without deployments', () => {
    const cold = computeRouteWeights(input({ rollups: [] }), createSeededRng(2));
    expect(Object.values(cold.weights).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(cold.prior).toEqual({ calls: 2, successRate: 0.5, fastRate: 0.5 });
    expect(cold.deployments[0]!.reason).toMatch(/^(exploring|winner|contender)/);
    const none = computeRouteWeights(input({ deployments: [], rollups: [] }), createSeededRng(2));
    expect(none.weights).toEqual({});
  });

  it('rejects duplicate deployments and invalid objectives', () => {
    expect(() =>
      computeRouteWeights(
        input({ deployments: [DEPLOYMENTS[0]!, DEPLOYMENTS[0]!] }),
        createSeededRng(1),
      ),
    ).toThrow(RangeError);
    expect(() =>
      computeRouteWeights(input({ objective: { draws: 0 } }), createSeededRng(1)),
    ).toThrow(RangeError);
  });
});

describe('computeWeightsForRoutes', () => {
  it('computes each route in order with one draw per route', () => {
    const rng = new CountingRng(new SeededRng('many'));
    const out = computeWeightsForRoutes([input({ routeId: 'a' }), input({ routeId: 'b' })], rng);
    expect(out.map((r) => r.routeId)).toEqual(['a', 'b']);
    expect(rng.draws).toBe(2);
  });
});
