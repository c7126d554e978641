import { describe, expect, it } from '@jest/globals';
import { createSeededRng, ManualClock } from '@stilts/routing';
import { catalogFixture } from '../../../test/support/catalog.factory.js';
import { ResolvedCatalog } from '../catalog/resolved-catalog.js';
import type { RouteWeights, WeightSource } from '../weights/weight-source.js';
import { ConfiguredWeightSource } from '../weights/weight-source.js';
import { DeploymentHealthRegistry } from './deployment-health.js';
import { RoutePlanner } from './route-planner.js';

function snapshot(version: number, weights: Record<string, number>): WeightSource {
  const w: RouteWeights = { version, weightOf: (id) => weights[id] };
  return { weightsFor: () => w };
}

function setup(
  strategy: 'adaptive' | 'static' | 'priority',
  source: WeightSource = new ConfiguredWeightSource(),
) {
  const catalog = new ResolvedCatalog(
    catalogFixture({
      strategy,
      members: [
        { id: 'a', weight: 3, priority: 1 },
        { id: 'b', weight: 1, priority: 0 },
        { id: 'c', weight: 0, priority: 0 },
      ],
    }),
    1,
  );
  const clock = new ManualClock(1_000_000);
  const health = new DeploymentHealthRegistry(clock, { consecutiveFailures: 1, cooldownMs: 1_000 });
  const planner = new RoutePlanner(source, health, createSeededRng(7));
  const route = catalog.route('test-route');
  if (!route) throw new Error('fixture route missing');
  return { planner, route, health, clock };
}

const ids = (plan: {
  candidates: readonly { member: { deployment: { id: string } } }[];
}): string[] => plan.candidates.map((c) => c.member.deployment.id);

describe('RoutePlanner', () => {
  it('draws by configured weights, zero-weight members last, with the propensity of the first pick', () => {
    const { planner, route } = setup('static');
    let firstA = 0;
    for (let i = 0; i < 4_000; i++) {
      const plan = planner.plan(route);
      expect(ids(plan)[2]).toBe('c');
      if (ids(plan)[0] === 'a') {
        firstA++;
        expect(plan.candidates[0]?.probability).toBeCloseTo(0.75);
      } else {
        expect(plan.candidates[0]?.probability).toBeCloseTo(0.25);
      }
      expect(plan.snapshotVersion).toBeNull();
    }
    expect(firstA / 4_000).toBeGreaterThan(0.72);
    expect(firstA / 4_000).toBeLessThan(0.78);
  });

  it('uses the weight snapshot under the adaptive strategy, and records its version', () => {
    const { planner, route } = setup('adaptive', snapshot(42, { a: 0, b: 1, c: 0 }));
    const plan = planner.plan(route);
    expect(ids(plan)[0]).toBe('b');
    expect(plan.candidates[0]?.probability).toBe(1);
    expect(plan.snapshotVersion).toBe(42);
  });

  it('ignores snapshots under the static strategy', () => {
    const { planner, route } = setup('static', snapshot(42, { a: 0, b: 1, c: 0 }));
    expect(planner.plan(route).snapshotVersion).toBeNull();
  });

  it('orders by ascending priority under the priority strategy', () => {
    const { planner, route } = setup('priority');
    for (let i = 0; i < 50; i++) {
      const plan = planner.plan(route);
      // b and c share priority 0 (c has weight 0, so b first), then a.
      expect(ids(plan)).toEqual(['b', 'c', 'a']);
      expect(plan.candidates[0]?.probability).toBe(1);
    }
  });

  it('excludes members whose breaker is open or that asked to pause, and says why', () => {
    const { planner, route, health, clock } = setup('static');
    const a = health.get('a');
    expect(a.breaker.tryAcquire()).toBe(true);
    a.breaker.failure();
    health.get('b').pause(clock.now() + 5_000);
    const plan = planner.plan(route);
    expect(ids(plan)).toEqual(['c']);
    expect(plan.excluded.map((e) => [e.member.deployment.id, e.reason])).toEqual([
      ['a', 'circuit-open'],
      ['b', 'paused'],
    ]);
    clock.advance(5_000);
    expect(ids(planner.plan(route))).toContain('b');
  });
});
