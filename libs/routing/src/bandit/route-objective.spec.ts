import { describe, expect, it } from '@jest/globals';
import {
  DEFAULT_ROUTE_OBJECTIVE,
  resolveRouteObjective,
  type RouteObjective,
} from './route-objective.js';

describe('resolveRouteObjective', () => {
  it('holds the documented defaults, frozen', () => {
    expect(DEFAULT_ROUTE_OBJECTIVE).toEqual({
      latencySloMs: 5_000,
      speedWeight: 0.25,
      costWeight: 0.1,
      costReferenceMicroUsd: null,
      explorationFloor: 0.05,
      halfLifeMs: 900_000,
      draws: 1_000,
      detectChanges: true,
      changeFalseAlarm: 0.01,
      paceHeadroom: 0.05,
      priorCalls: 2,
      priorInputTokens: 1_000,
      priorOutputTokens: 500,
    });
    expect(Object.isFrozen(DEFAULT_ROUTE_OBJECTIVE)).toBe(true);
    expect(resolveRouteObjective()).toEqual(DEFAULT_ROUTE_OBJECTIVE);
  });

  it('overrides only the given fields', () => {
    const o = resolveRouteObjective({
      latencySloMs: 2_000,
      costReferenceMicroUsd: 500,
      halfLifeMs: undefined,
    });
    expect(o).toEqual({
      ...DEFAULT_ROUTE_OBJECTIVE,
      latencySloMs: 2_000,
      costReferenceMicroUsd: 500,
    });
    expect(Object.isFrozen(o)).toBe(true);
  });

  it('accepts the edges of each range', () => {
    expect(() =>
      resolveRouteObjective({
        speedWeight: 1,
        costWeight: 0,
        explorationFloor: 0,
        draws: 1,
        paceHeadroom: 0,
        priorInputTokens: 0,
      }),
    ).not.toThrow();
    expect(() =>
      resolveRouteObjective({ speedWeight: 0, explorationFloor: 1, draws: 100_000 }),
    ).not.toThrow();
  });

  const invalid: [keyof RouteObjective, unknown][] = [
    ['latencySloMs', 0],
    ['latencySloMs', Infinity],
    ['speedWeight', -0.1],
    ['speedWeight', 1.1],
    ['costWeight', -1],
    ['costWeight', Number.NaN],
    ['costReferenceMicroUsd', 0],
    ['explorationFloor', 1.5],
    ['halfLifeMs', 0],
    ['draws', 0],
    ['draws', 2.5],
    ['draws', 100_001],
    ['detectChanges', 'yes'],
    ['changeFalseAlarm', 0],
    ['changeFalseAlarm', 1],
    ['paceHeadroom', 1],
    ['priorCalls', 0],
    ['priorInputTokens', -1],
    ['priorOutputTokens', 1.5],
  ];
  it.each(invalid)('rejects %s = %p', (key, value) => {
    expect(() => resolveRouteObjective({ [key]: value })).toThrow(
      new RegExp(`route objective ${key} must be`),
    );
  });
});
