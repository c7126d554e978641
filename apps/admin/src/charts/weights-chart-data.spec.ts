import { describe, expect, it } from '@jest/globals';
import { override, weightHistory } from '../testing/fixtures';
import {
  LAMBDA_KEY,
  describeOverride,
  overrideAffectsRoute,
  overrideMarkers,
  weightHistoryChart,
} from './weights-chart-data';

const at = (minute: number): string => new Date(Date.UTC(2026, 10, 24, 10, minute)).toISOString();
const ms = (minute: number): number => Date.UTC(2026, 10, 24, 10, minute);

describe('weightHistoryChart', () => {
  const history = weightHistory({
    from: at(0),
    to: at(60),
    points: [
      { at: at(10), version: 2, lambda: 0.5, weights: { 'sim-b/x': 0.3, 'sim-a/y': 0.7 } },
      { at: at(5), version: 1, lambda: 0, weights: { 'sim-a/y': 1 } },
    ],
  });

  it('stacks one stepped band per deployment, members first, and puts λ on the right axis', () => {
    const data = weightHistoryChart(history, { members: ['sim-a/y'], now: ms(30) });
    expect(data.series.map((s) => [s.key, s.label, s.kind, s.axis])).toEqual([
      ['s0', 'sim-a/y', 'area', 'left'],
      ['s1', 'sim-b/x', 'area', 'left'],
      [LAMBDA_KEY, 'λ (budget pressure)', 'line', 'right'],
    ]);
    expect(
      data.series.filter((s) => s.kind === 'area').every((s) => s.stackId === 'weights' && s.step),
    ).toBe(true);
  });

  it('sorts snapshots, fills missing deployments with 0 and carries the last one to now', () => {
    const data = weightHistoryChart(history, { members: ['sim-a/y'], now: ms(30) });
    expect(data.rows).toEqual([
      { t: ms(5), s0: 1, s1: 0, [LAMBDA_KEY]: 0 },
      { t: ms(10), s0: 0.7, s1: 0.3, [LAMBDA_KEY]: 0.5 },
      { t: ms(30), s0: 0.7, s1: 0.3, [LAMBDA_KEY]: 0.5 },
    ]);
    expect(data.domain).toEqual([ms(0), ms(60)]);
  });

  it('does not carry past the end of the range', () => {
    const data = weightHistoryChart(history, { now: ms(120) });
    expect(data.rows[data.rows.length - 1]?.t).toBe(ms(60));
  });

  it('is empty without snapshots', () => {
    expect(weightHistoryChart(weightHistory(), { now: ms(0) }).rows).toEqual([]);
  });
});

describe('override markers', () => {
  const members = new Set(['sim-a/y', 'sim-b/x']);

  it('belong to a route when they name it, or name none and target a member', () => {
    expect(overrideAffectsRoute(override({ route: 'chat' }), 'chat', members)).toBe(true);
    expect(overrideAffectsRoute(override({ route: 'other' }), 'chat', members)).toBe(false);
    expect(
      overrideAffectsRoute(
        override({ route: null, kind: 'force_breaker_open', deploymentId: 'sim-b/x' }),
        'chat',
        members,
      ),
    ).toBe(true);
    expect(
      overrideAffectsRoute(
        override({ route: null, kind: 'force_breaker_open', deploymentId: 'other/z' }),
        'chat',
        members,
      ),
    ).toBe(false);
  });

  it('mark creation, release and lapse inside the range, in time order', () => {
    const markers = overrideMarkers(
      [
        override({
          id: '1',
          createdAt: at(20),
          revokedAt: at(40),
          deploymentId: 'sim-a/y',
          weight: 0.8,
        }),
        override({
          id: '2',
          kind: 'disable_deployment',
          route: null,
          deploymentId: 'sim-b/x',
          createdAt: at(15),
          expiresAt: at(25),
        }),
        override({ id: '3', kind: 'freeze_route', deploymentId: null, createdAt: at(-30) }),
        override({ id: '4', kind: 'freeze_route', route: 'other', createdAt: at(30) }),
        override({
          id: '5',
          kind: 'force_breaker_open',
          route: null,
          deploymentId: 'sim-a/y',
          createdAt: at(50),
          expiresAt: at(90),
        }),
      ],
      'chat',
      members,
      ms(0),
      ms(60),
    );
    expect(markers.map((m) => [m.t, m.label])).toEqual([
      [ms(15), 'disable sim-b/x'],
      [ms(20), 'pin sim-a/y 80 %'],
      [ms(25), 'expired: disable sim-b/x'],
      [ms(40), 'released: pin sim-a/y 80 %'],
      [ms(50), 'force open sim-a/y'],
    ]);
  });

  it('are passed through by the chart', () => {
    const data = weightHistoryChart(weightHistory({ from: at(0), to: at(60) }), {
      members: ['sim-a/y'],
      overrides: [override({ createdAt: at(20), deploymentId: 'sim-a/y' })],
      now: ms(60),
    });
    expect(data.markers).toHaveLength(1);
  });

  it('describe each kind', () => {
    expect(describeOverride(override({ kind: 'freeze_route', deploymentId: null }))).toBe(
      'freeze chat',
    );
    expect(describeOverride(override({ kind: 'force_breaker_closed', route: null }))).toBe(
      'force closed sim-a/m',
    );
  });
});
