import { describe, expect, it } from '@jest/globals';
import { createSeededRng, ManualClock } from '@stilts/routing';
import { catalogFixture } from '../../../test/support/catalog.factory.js';
import { ResolvedCatalog } from '../catalog/resolved-catalog.js';
import type { RouteWeights, WeightSource } from '../weights/weight-source.js';
import { ConfiguredWeightSource } from '../weights/weight-source.js';
import { StaticOverrides } from '../weights/overrides.state.js';
import { ActiveOverrides, type RouteOverride } from '../weights/route-override.js';
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
  const overrides = new StaticOverrides();
  const planner = new RoutePlanner(source, overrides, health, createSeededRng(7));
  const route = catalog.route('test-route');
  if (!route) throw new Error('fixture route missing');
  return { planner, route, health, clock, overrides };
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

  it('honours overrides: a pinned weight, a disabled deployment, a forced breaker', () => {
    const { planner, route, overrides, health } = setup('static');
    const override = (o: Partial<RouteOverride> & Pick<RouteOverride, 'kind'>): RouteOverride => ({
      id: String(Math.random()).slice(2),
      route: null,
      deploymentId: null,
      weight: null,
      actor: 'test',
      reason: 'test',
      createdAt: 0,
      expiresAt: null,
      ...o,
    });
    // Pin c (configured weight 0) to 0.5: a and b share the other half 3:1.
    overrides.current = new ActiveOverrides(
      [override({ kind: 'pin_weight', route: 'test-route', deploymentId: 'c', weight: 0.5 })],
      0,
    );
    let c = 0;
    for (let i = 0; i < 4_000; i++) if (ids(planner.plan(route))[0] === 'c') c++;
    expect(c / 4_000).toBeGreaterThan(0.47);
    expect(c / 4_000).toBeLessThan(0.53);

    overrides.current = new ActiveOverrides(
      [
        override({ kind: 'disable_deployment', deploymentId: 'a' }),
        override({ kind: 'force_breaker_open', deploymentId: 'b' }),
      ],
      0,
    );
    health.applyForcedStates(overrides.current.forcedBreakers());
    const plan = planner.plan(route);
    expect(ids(plan)).toEqual(['c']);
    expect(plan.excluded.map((e) => [e.member.deployment.id, e.reason])).toEqual([
      ['a', 'disabled-by-override'],
      ['b', 'circuit-open'],
    ]);
  });

  it('lets traffic through a breaker forced closed even while it is open', () => {
    const { planner, route, health } = setup('static');
    const a = health.get('a');
    a.breaker.tryAcquire();
    a.breaker.failure();
    expect(ids(planner.plan(route))).not.toContain('a');
    health.applyForcedStates(new Map([['a', 'closed']]));
    expect(ids(planner.plan(route))).toContain('a');
    expect(a.tryAcquire()).toBe(true);
  });
});
