import { describe, expect, it } from '@jest/globals';
import { CompiledScenario, DEFAULT_BEHAVIOUR } from './behaviour-timeline.js';
import { parseScenario } from './scenario.schema.js';

const compile = (input: unknown): CompiledScenario => new CompiledScenario(parseScenario(input));

describe('CompiledScenario', () => {
  it('fills unset fields with the built-in defaults', () => {
    const p = compile({ providers: { a: {} } }).providers.get('a');
    expect(p?.behaviourAt(0)).toEqual(DEFAULT_BEHAVIOUR);
  });

  it('layers scenario defaults, then the provider, then active windows', () => {
    const scenario = compile({
      defaults: { errorRate: 0.1, chunkTokens: 3 },
      providers: {
        a: {
          behaviour: {
            errorRate: 0.2,
            outputTokens: 7,
            windows: [{ fromS: 10, toS: 20, errorRate: 0.9, outage: { status: 502 } }],
          },
        },
        b: {},
      },
    });
    const a = scenario.providers.get('a');
    expect(a?.behaviourAt(5)).toMatchObject({
      errorRate: 0.2,
      chunkTokens: 3,
      outputTokens: { min: 7, max: 7 },
      outage: undefined,
    });
    expect(a?.behaviourAt(10)).toMatchObject({ errorRate: 0.9, outage: { status: 502 } });
    expect(a?.behaviourAt(19.999)).toMatchObject({ errorRate: 0.9 });
    expect(a?.behaviourAt(20)).toMatchObject({ errorRate: 0.2, outage: undefined });
    expect(scenario.providers.get('b')?.behaviourAt(15)).toMatchObject({ errorRate: 0.1 });
  });

  it('applies overlapping windows in file order, later fields winning', () => {
    const a = compile({
      providers: {
        a: {
          behaviour: {
            windows: [
              { fromS: 0, toS: 10, errorRate: 0.5, resetRate: 0.1 },
              { fromS: 5, toS: 15, errorRate: 0.7 },
            ],
          },
        },
      },
    }).providers.get('a');
    expect(a?.behaviourAt(2)).toMatchObject({ errorRate: 0.5, resetRate: 0.1 });
    expect(a?.behaviourAt(7)).toMatchObject({ errorRate: 0.7, resetRate: 0.1 });
    expect(a?.behaviourAt(12)).toMatchObject({ errorRate: 0.7, resetRate: 0 });
  });

  it('wraps scenario time by loopS', () => {
    const scenario = compile({ loopS: 60, providers: { a: {} } });
    expect(scenario.scenarioSeconds(0)).toBe(0);
    expect(scenario.scenarioSeconds(61_500)).toBeCloseTo(1.5);
    expect(compile({ providers: { a: {} } }).scenarioSeconds(61_500)).toBeCloseTo(61.5);
  });

  it('keeps the provider key and models', () => {
    const a = compile({ providers: { a: { apiKey: 'k', models: ['m1', 'm2'] } } }).providers.get(
      'a',
    );
    expect(a?.apiKey).toBe('k');
    expect(a?.models).toEqual(['m1', 'm2']);
  });
});
