import { describe, expect, it } from '@jest/globals';
import { simEnvironment, tinyScenario } from '../../../test/scenario.factory.js';
import { SeededRng } from '../../rng.js';
import { runPolicy } from '../run-policy.js';
import { generateTraffic } from '../traffic.js';
import { AdaptivePolicy } from './adaptive-policy.js';

describe('AdaptivePolicy', () => {
  it('runs the weights job every 15 virtual seconds on its own rollups and learns the best', () => {
    const scenario = tinyScenario();
    const env = simEnvironment(scenario);
    const policy = new AdaptivePolicy(env, new SeededRng('plan'), new SeededRng('job'));
    const traffic = generateTraffic(scenario.traffic, scenario.durationMs, new SeededRng('t'));
    runPolicy(env, traffic, policy, 1);
    expect(policy.history.length).toBeGreaterThanOrEqual(79);
    expect(policy.history.length).toBeLessThanOrEqual(80);
    const times = policy.history.map((s) => s.atMs);
    for (let i = 1; i < times.length; i++)
      expect(Math.floor(times[i]! / 15_000)).toBeGreaterThan(Math.floor(times[i - 1]! / 15_000));
    const last = policy.weights();
    expect(last[0]).toBeGreaterThan(0.8);
    expect(policy.last?.deployments[0]?.reason).toMatch(/^winner/);
  });

  it('paces to the run budget and never spends past it', () => {
    const scenario = tinyScenario();
    const env = simEnvironment(scenario, 200_000);
    const policy = new AdaptivePolicy(env, new SeededRng('plan'), new SeededRng('job'));
    const traffic = generateTraffic(scenario.traffic, scenario.durationMs, new SeededRng('t'));
    const run = runPolicy(env, traffic, policy, 1);
    expect(run.totalCostMicroUsd).toBeLessThanOrEqual(200_000);
    expect(policy.history.some((s) => s.lambda > 0)).toBe(true);
  });
});
