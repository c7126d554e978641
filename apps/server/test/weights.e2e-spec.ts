import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ManualClock } from '@stilts/routing';
import { CatalogService } from '../src/modules/catalog/catalog.service.js';
import type { ResolvedRoute } from '../src/modules/catalog/resolved-catalog.js';
import { RoutePlanner } from '../src/modules/gateway/route-planner.js';
import { OverridesService } from '../src/modules/weights/overrides.service.js';
import { SnapshotWeightSource } from '../src/modules/weights/snapshot-weight.source.js';
import { WeightsJobService } from '../src/modules/weights/weights-job.service.js';
import { BudgetsAdminService } from '../src/modules/budgets/budgets-admin.service.js';
import {
  eventually,
  startDatabaseGatewayHarness,
  type DatabaseGatewayHarness,
} from './support/database-gateway-harness.js';
import { seedRollups } from './support/rollup.factory.js';
import { scenarioOf, simCatalog } from './support/sim-fixtures.js';

const ROUTE = 'test-route';
let h: DatabaseGatewayHarness;
let replica: DatabaseGatewayHarness;

beforeAll(async () => {
  h = await startDatabaseGatewayHarness({
    scenario: scenarioOf({ fast: {}, flaky: {}, slow: {} }),
    catalog: (sim) =>
      simCatalog(sim, {
        strategy: 'adaptive',
        members: [{ id: 'fast' }, { id: 'flaky' }, { id: 'slow' }],
      }),
    // The job is driven by the tests (one run at start, then by hand).
    env: { WEIGHTS_INTERVAL_MS: '3600000' },
  });
  // A second replica on the same database and schema.
  replica = await startDatabaseGatewayHarness({
    scenario: undefined,
    sim: h.sim,
    schema: h.schema,
    catalog: (sim) =>
      simCatalog(sim, {
        strategy: 'adaptive',
        members: [{ id: 'fast' }, { id: 'flaky' }, { id: 'slow' }],
      }),
    env: { WEIGHTS_INTERVAL_MS: '3600000' },
  });
});
afterAll(async () => {
  await replica.close();
  await h.close();
});

function routeOf(harness: DatabaseGatewayHarness): ResolvedRoute {
  const route = harness.app.get(CatalogService).current.route(ROUTE);
  if (!route) throw new Error('route missing');
  return route;
}

/** Pearson's chi-square statistic of observed first picks against expected shares. */
function chiSquare(
  observed: Map<string, number>,
  expected: Record<string, number>,
  n: number,
): number {
  let chi = 0;
  for (const [id, share] of Object.entries(expected)) {
    if (share <= 0) continue;
    const e = share * n;
    chi += ((observed.get(id) ?? 0) - e) ** 2 / e;
  }
  return chi;
}

describe('the weights job', () => {
  it('computes weights from rollups, and every replica routes by them within a second', async () => {
    const now = Date.now();
    await seedRollups(
      h.sql,
      [
        {
          route: ROUTE,
          deploymentId: 'fast',
          minutes: 30,
          callsPerMinute: 40,
          successRate: 0.995,
          latencyMs: 300,
          costPerCallMicroUsd: 300,
        },
        {
          route: ROUTE,
          deploymentId: 'flaky',
          minutes: 30,
          callsPerMinute: 40,
          successRate: 0.7,
          latencyMs: 300,
          costPerCallMicroUsd: 300,
        },
        {
          route: ROUTE,
          deploymentId: 'slow',
          minutes: 30,
          callsPerMinute: 40,
          successRate: 0.995,
          latencyMs: 9_000,
          costPerCallMicroUsd: 300,
        },
      ],
      now,
    );
    const result = await h.app.get(WeightsJobService).runOnce();
    expect(result.leader).toBe(true);
    const snapshot = result.snapshots.find((s) => s.route === ROUTE);
    expect(snapshot).toBeDefined();
    if (!snapshot) return;
    const weights = snapshot.weights;
    expect(weights.fast).toBeGreaterThan(0.8);
    expect(weights.flaky).toBeLessThan(0.05);
    expect(weights.slow).toBeLessThan(0.1);
    expect(weights.flaky).toBeGreaterThan(0); // the exploration floor
    expect(snapshot.deployments.find((d) => d.deploymentId === 'fast')?.reason).toMatch(/winner/);
    const [stored] = await h.sql<{ n: string }>(
      'SELECT count(*) AS n FROM weight_snapshots WHERE id = $1',
      [snapshot.version],
    );
    expect(stored?.n).toBe('1');

    // Both replicas pick up the new snapshot (NOTIFY) within a second.
    const started = Date.now();
    for (const r of [h, replica]) {
      await eventually(
        () => r.app.get(SnapshotWeightSource).weightsFor(routeOf(r)).version === snapshot.version,
        1_000,
      );
    }
    expect(Date.now() - started).toBeLessThanOrEqual(1_000);

    // 5,000 seeded picks on the other replica follow the weights (chi-square, 2 d.o.f., p > 0.001).
    const planner = replica.app.get(RoutePlanner);
    const route = routeOf(replica);
    const firsts = new Map<string, number>();
    for (let i = 0; i < 5_000; i++) {
      const plan = planner.plan(route);
      expect(plan.snapshotVersion).toBe(snapshot.version);
      const id = plan.candidates[0]?.member.deployment.id ?? '';
      firsts.set(id, (firsts.get(id) ?? 0) + 1);
    }
    expect(chiSquare(firsts, weights, 5_000)).toBeLessThan(13.8);

    // And real traffic through the gateway follows them, with the snapshot version recorded.
    const ids = new Map<string, number>();
    for (let i = 0; i < 300; i++) {
      const { response } = await replica.client.chat.completions
        .create({ model: ROUTE, messages: [{ role: 'user', content: 'hi' }] })
        .withResponse();
      const id = response.headers.get('x-stilts-deployment') ?? '';
      ids.set(id, (ids.get(id) ?? 0) + 1);
    }
    expect((ids.get('fast') ?? 0) / 300).toBeGreaterThan((weights.fast ?? 0) - 0.08);
    await eventually(async () => {
      const [row] = await h.sql<{ n: string }>(
        'SELECT count(*) AS n FROM call_records WHERE snapshot_version = $1',
        [snapshot.version],
      );
      return Number(row?.n) === 300;
    });
  });

  it('honours overrides: a frozen route keeps its snapshot, pins and disables reach every replica within a second', async () => {
    const overrides = h.app.get(OverridesService);
    const job = h.app.get(WeightsJobService);
    const before = (await job.runOnce()).snapshots.find((s) => s.route === ROUTE)?.version;
    const freeze = await overrides.create(
      { kind: 'freeze_route', route: ROUTE, reason: 'incident 42' },
      'alice',
    );
    const frozenRun = await job.runOnce();
    expect(frozenRun.frozen).toEqual([ROUTE]);
    expect(frozenRun.snapshots.find((s) => s.route === ROUTE)).toBeUndefined();
    await overrides.revoke(freeze.id, 'alice', 'incident over');
    expect((await job.runOnce()).snapshots.find((s) => s.route === ROUTE)?.version).toBeGreaterThan(
      before ?? 0,
    );

    const pin = await overrides.create(
      {
        kind: 'pin_weight',
        route: ROUTE,
        deploymentId: 'slow',
        weight: 0.6,
        reason: 'load test of slow',
      },
      'alice',
    );
    const created = Date.now();
    await eventually(
      () => replica.app.get(OverridesService).current.forRoute(ROUTE).pins.get('slow') === 0.6,
      1_000,
    );
    expect(Date.now() - created).toBeLessThanOrEqual(1_000);
    const planner = replica.app.get(RoutePlanner);
    let slow = 0;
    for (let i = 0; i < 5_000; i++)
      if (planner.plan(routeOf(replica)).candidates[0]?.member.deployment.id === 'slow') slow++;
    expect(slow / 5_000).toBeGreaterThan(0.57);
    expect(slow / 5_000).toBeLessThan(0.63);
    await overrides.revoke(pin.id, 'alice', 'done');

    await overrides.create(
      { kind: 'disable_deployment', deploymentId: 'fast', reason: 'provider incident' },
      'bob',
    );
    await eventually(
      () => replica.app.get(OverridesService).current.isDisabled(ROUTE, 'fast'),
      1_000,
    );
    for (let i = 0; i < 200; i++) {
      expect(
        planner.plan(routeOf(replica)).candidates.map((c) => c.member.deployment.id),
      ).not.toContain('fast');
    }
    const run = await job.runOnce();
    expect(run.snapshots.find((s) => s.route === ROUTE)?.weights.fast).toBe(0);

    const audit = await h.sql<{ actor: string; action: string; target: string; reason: string }>(
      "SELECT actor, action, target, reason FROM audit_log WHERE action LIKE 'override.%' ORDER BY id",
    );
    expect(audit.map((a) => `${a.actor} ${a.action} ${a.target}: ${a.reason}`)).toEqual([
      'alice override.freeze_route test-route: incident 42',
      'alice override.revoke test-route: incident over',
      'alice override.pin_weight test-route/slow: load test of slow',
      'alice override.revoke test-route/slow: done',
      'bob override.disable_deployment fast: provider incident',
    ]);
  });

  it('rejects invalid overrides with field errors and unknown targets with 404', async () => {
    const overrides = h.app.get(OverridesService);
    await expect(
      overrides.create({ kind: 'pin_weight', route: ROUTE, reason: 'x' }, 'a'),
    ).rejects.toMatchObject({
      status: 400,
      code: 'validation_failed',
      errors: expect.arrayContaining([
        expect.objectContaining({ path: 'reason' }),
        expect.objectContaining({ path: 'deploymentId' }),
        expect.objectContaining({ path: 'weight' }),
      ]),
    });
    await expect(
      overrides.create({ kind: 'freeze_route', route: 'nope', reason: 'because' }, 'a'),
    ).rejects.toMatchObject({ status: 404, code: 'route_not_found' });
    await expect(
      overrides.create(
        {
          kind: 'force_breaker_open',
          deploymentId: 'fast',
          reason: 'because',
          expiresAt: '2001-01-01T00:00:00Z',
        },
        'a',
      ),
    ).rejects.toMatchObject({
      status: 400,
      errors: [expect.objectContaining({ path: 'expiresAt' })],
    });
    await expect(overrides.revoke('999999', 'a', 'because')).rejects.toMatchObject({ status: 404 });
  });

  it('lets an override expire on its own', async () => {
    const overrides = h.app.get(OverridesService);
    await overrides.create(
      {
        kind: 'force_breaker_open',
        deploymentId: 'slow',
        reason: 'short maintenance',
        expiresAt: new Date(Date.now() + 400).toISOString(),
      },
      'carol',
    );
    expect(overrides.current.forcedBreaker('slow')).toBe('open');
    await eventually(() => overrides.current.forcedBreaker('slow') === undefined, 3_000);
    await eventually(
      () => replica.app.get(OverridesService).current.forcedBreaker('slow') === undefined,
      3_000,
    );
  });

  it('paces a route under a budget: lambda rises when demand would overspend it', async () => {
    // Noon UTC: half of the budget's day is left, whenever the test runs (near midnight, what
    // is left of the day would be minutes, and any budget would outlast them).
    const today = new Date();
    const clock = new ManualClock(
      Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate(), 12),
    );
    const capped = await startDatabaseGatewayHarness({
      clock,
      scenario: scenarioOf({ cheap: {}, premium: {} }),
      catalog: (sim) =>
        simCatalog(sim, {
          strategy: 'adaptive',
          members: [
            { id: 'cheap', inputPrice: 0.1, outputPrice: 0.4 },
            { id: 'premium', inputPrice: 5, outputPrice: 20 },
          ],
        }),
      env: { WEIGHTS_INTERVAL_MS: '3600000' },
    });
    try {
      // $0.50 a day: far below what the premium deployment would cost at this traffic.
      await capped.app
        .get(BudgetsAdminService)
        .create(
          { name: 'route cap', scope: 'route', scopeRef: ROUTE, period: 'day', amountUsd: '0.50' },
          'test',
        );
      await seedRollups(
        capped.sql,
        [
          {
            route: ROUTE,
            deploymentId: 'cheap',
            minutes: 20,
            callsPerMinute: 60,
            successRate: 0.99,
            latencyMs: 400,
            costPerCallMicroUsd: 130,
          },
          {
            route: ROUTE,
            deploymentId: 'premium',
            minutes: 20,
            callsPerMinute: 60,
            successRate: 0.999,
            latencyMs: 300,
            costPerCallMicroUsd: 6_500,
          },
        ],
        clock.now(),
      );
      const run = await capped.app.get(WeightsJobService).runOnce();
      const snapshot = run.snapshots.find((s) => s.route === ROUTE);
      expect(snapshot?.pacing).not.toBeNull();
      expect(snapshot?.lambda).toBeGreaterThan(0);
      expect(snapshot?.weights.cheap).toBeGreaterThan(snapshot?.weights.premium ?? 1);
    } finally {
      await capped.close();
    }
  });
});
