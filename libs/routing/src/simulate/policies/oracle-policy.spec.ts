import { describe, expect, it } from '@jest/globals';
import { simEnvironment, tinyScenario } from '../../../test/scenario.factory.js';
import { SeededRng } from '../../rng.js';
import type { SimRequest } from '../traffic.js';
import { OraclePolicy } from './oracle-policy.js';

const REQUEST = { index: 0 } as SimRequest;
const ALL = [true, true, true];

describe('OraclePolicy', () => {
  it('sends everything to the best true utility and falls back by utility', () => {
    const p = new OraclePolicy(simEnvironment(tinyScenario()), new SeededRng('o'));
    expect(p.plan({ nowMs: 0, request: REQUEST, available: ALL })).toEqual([0, 2, 1]);
    expect(p.weights()).toEqual([1, 0, 0]);
  });

  it('knows an outage the moment it starts', () => {
    const scenario = tinyScenario({
      changes: [{ atMs: 60_000, deploymentId: 'good', set: { down: true }, label: 'down' }],
    });
    const p = new OraclePolicy(simEnvironment(scenario), new SeededRng('o'));
    const order = p.plan({ nowMs: 60_000, request: REQUEST, available: ALL });
    expect(order[0]).not.toBe(0);
    expect(order[order.length - 1]).toBe(0);
  });

  it('mixes a cheaper deployment in under a tight budget', () => {
    const scenario = tinyScenario();
    const env = simEnvironment(scenario, 100_000);
    const p = new OraclePolicy(env, new SeededRng('o'));
    p.plan({ nowMs: 0, request: REQUEST, available: ALL });
    const w = p.weights();
    expect(w[1]).toBeGreaterThan(0);
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });
});
