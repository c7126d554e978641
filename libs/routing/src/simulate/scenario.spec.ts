import { describe, expect, it } from '@jest/globals';
import { tinyScenario } from '../../test/scenario.factory.js';
import { ScenarioTimeline } from './scenario.js';

describe('ScenarioTimeline', () => {
  it('applies changes from their time on, in time order, keeping other fields', () => {
    const timeline = new ScenarioTimeline(
      tinyScenario({
        changes: [
          { atMs: 600_000, deploymentId: 'good', set: { down: false }, label: 'up' },
          { atMs: 300_000, deploymentId: 'good', set: { down: true }, label: 'down' },
        ],
      }),
    );
    expect(timeline.size).toBe(3);
    expect(timeline.stateAt(0, 299_999).down).toBe(false);
    expect(timeline.stateAt(0, 300_000).down).toBe(true);
    expect(timeline.stateAt(0, 300_000).successProbability).toBe(0.995);
    expect(timeline.stateAt(0, 600_000).down).toBe(false);
    expect(timeline.stateAt(1, 450_000).down).toBe(false);
  });

  it('rejects unknown deployments and indices', () => {
    expect(
      () =>
        new ScenarioTimeline(
          tinyScenario({ changes: [{ atMs: 1, deploymentId: 'nope', set: {}, label: 'x' }] }),
        ),
    ).toThrow(RangeError);
    expect(() => new ScenarioTimeline(tinyScenario()).stateAt(7, 0)).toThrow(RangeError);
  });
});
