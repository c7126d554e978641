import { describe, expect, it } from '@jest/globals';
import { deploymentWeight, liveState, override, routeWeights } from '../../testing/fixtures';
import { deploymentRows, overridesFor, routeFreeze, summariseBreaker } from './deployment-rows';

describe('summariseBreaker', () => {
  it('reports one state when every live replica agrees', () => {
    const live = liveState([
      { id: 'r1', states: [{ state: 'closed' }] },
      { id: 'r2', states: [{ state: 'closed' }] },
    ]);
    expect(summariseBreaker(live, 'sim-a/m')).toEqual({
      state: 'closed',
      openOn: 0,
      replicas: 2,
      retryAt: null,
    });
  });
  it('puts a forced state first and counts open circuits when replicas disagree', () => {
    const live = liveState([
      { id: 'r1', states: [{ state: 'open', retryAt: '2026-11-24T10:01:00.000Z' }] },
      { id: 'r2', states: [{ state: 'closed' }] },
      { id: 'r3', stale: true, states: [{ state: 'open' }] },
    ]);
    expect(summariseBreaker(live, 'sim-a/m')).toEqual({
      state: 'mixed',
      openOn: 1,
      replicas: 2,
      retryAt: '2026-11-24T10:01:00.000Z',
    });
    const forced = liveState([{ id: 'r1', states: [{ state: 'closed', forced: 'open' }] }]);
    expect(summariseBreaker(forced, 'sim-a/m').state).toBe('forced-open');
  });
  it('is unknown without a replica reporting the deployment', () => {
    expect(summariseBreaker(undefined, 'sim-a/m').state).toBe('unknown');
    expect(summariseBreaker(liveState([{ id: 'r1', states: [] }]), 'sim-a/m').state).toBe(
      'unknown',
    );
  });
});

describe('overridesFor', () => {
  it('picks the newest active override of each kind that applies to the route', () => {
    const found = overridesFor(
      [
        override({ id: '1', weight: 0.2, createdAt: '2026-11-24T10:00:00.000Z' }),
        override({ id: '2', weight: 0.4, createdAt: '2026-11-24T10:05:00.000Z' }),
        override({ id: '3', kind: 'disable_deployment', route: 'other' }),
        override({ id: '4', kind: 'force_breaker_open', route: null }),
        override({ id: '5', kind: 'disable_deployment', active: false }),
      ],
      'chat',
      'sim-a/m',
    );
    expect(found.pin_weight?.id).toBe('2');
    expect(found.force_breaker_open?.id).toBe('4');
    expect(found.disable_deployment).toBeUndefined();
  });
});

describe('deploymentRows', () => {
  it('joins weights, breakers, stats and overrides per deployment', () => {
    const rows = deploymentRows(
      routeWeights('chat', [
        deploymentWeight('sim-a/m', { weight: 0.6, effectiveWeight: 0.8, pinnedWeight: 0.8 }),
        deploymentWeight('sim-b/n', { weight: 0.4, effectiveWeight: 0.2 }),
      ]),
      {
        live: liveState([{ id: 'r1', states: [{ deploymentId: 'sim-b/n', state: 'open' }] }]),
        stats: new Map([
          [
            'sim-a/m',
            {
              attempts: 10,
              requests: 9,
              successRate: 1,
              latencyP95Ms: 500,
              costMicroUsd: 10,
              costPer1kMicroUsd: 1_000,
            },
          ],
        ]),
        overrides: [override({ id: '9', weight: 0.8 })],
        providerOf: (id) => id.split('/')[0] ?? id,
      },
    );
    expect(
      rows.map((r) => [
        r.deploymentId,
        r.providerId,
        r.banditWeight,
        r.effectiveWeight,
        r.breaker.state,
      ]),
    ).toEqual([
      ['sim-a/m', 'sim-a', 0.6, 0.8, 'unknown'],
      ['sim-b/n', 'sim-b', 0.4, 0.2, 'open'],
    ]);
    expect(rows[0]?.overrides.pin_weight?.id).toBe('9');
    expect(rows[0]?.stats?.latencyP95Ms).toBe(500);
    expect(rows[1]?.stats).toBeUndefined();
  });
});

describe('routeFreeze', () => {
  it('finds the active freeze of the route', () => {
    const freeze = override({ id: '7', kind: 'freeze_route', deploymentId: null });
    expect(routeFreeze([freeze], 'chat')?.id).toBe('7');
    expect(routeFreeze([freeze], 'other')).toBeUndefined();
  });
});
