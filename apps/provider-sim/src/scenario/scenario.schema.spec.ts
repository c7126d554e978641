import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { builtinScenarioPath } from './scenario-file.js';
import {
  formatIssuePath,
  isScenarioError,
  parseScenario,
  ScenarioError,
} from './scenario.schema.js';

/** Parses `input`, expecting failure; returns the issues. */
function issuesOf(input: unknown): { path: string; message: string }[] {
  try {
    parseScenario(input);
  } catch (error) {
    if (!isScenarioError(error)) throw error;
    return [...error.issues];
  }
  throw new Error('expected the scenario to be rejected');
}

const withBehaviour = (behaviour: unknown): unknown => ({
  providers: { 'sim-openai': { behaviour } },
});

describe('parseScenario', () => {
  it('accepts the bundled demo and healthy scenarios', () => {
    for (const name of ['demo', 'healthy'] as const) {
      const json: unknown = JSON.parse(readFileSync(builtinScenarioPath(name), 'utf8'));
      const scenario = parseScenario(json);
      expect(Object.keys(scenario.providers)).toEqual([
        'sim-openai',
        'sim-anthropic',
        'sim-gemini',
        'sim-local',
      ]);
    }
  });

  it('accepts every behaviour field, in the defaults, a provider and a window', () => {
    const behaviour = {
      latency: { kind: 'lognormal', medianMs: 100, p95Ms: 300 },
      interChunkMs: 5,
      outputTokens: { min: 1, max: 9 },
      inputTokens: 12,
      chunkTokens: 3,
      errorRate: 0.1,
      errorStatuses: [500, 503],
      rateLimit: { rate: 0.2, retryAfterS: 1, retryAfterMs: 250 },
      outage: 'reset',
      resetRate: 0.01,
      stall: { rate: 0.01, afterChunks: 2 },
      cutRate: 0.01,
      cutAfterChunks: 3,
      streamError: { rate: 0.01, afterChunks: 4 },
      malformedRate: 0.01,
    };
    const scenario = parseScenario({
      loopS: 60,
      defaults: behaviour,
      providers: {
        a: {
          apiKey: 'k',
          models: ['m'],
          behaviour: { ...behaviour, windows: [{ fromS: 0, toS: 10, ...behaviour }] },
        },
      },
    });
    expect(scenario.providers['a']?.behaviour?.windows?.[0]?.outage).toBe('reset');
    expect(scenario.defaults?.rateLimit).toEqual({ rate: 0.2, retryAfterS: 1, retryAfterMs: 250 });
  });

  it('names the path of an out-of-range rate', () => {
    const issues = issuesOf(withBehaviour({ errorRate: 1.5 }));
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe('providers.sim-openai.behaviour.errorRate');
    expect(issues[0]?.message).toContain('<=1');
  });

  it('rejects unknown fields, so a typo cannot silently do nothing', () => {
    const issues = issuesOf(withBehaviour({ errorrate: 0.5 }));
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe('providers.sim-openai.behaviour');
    expect(issues[0]?.message).toContain('errorrate');
  });

  it('checks window bounds and names the window by index', () => {
    const issues = issuesOf(
      withBehaviour({
        windows: [
          { fromS: 0, toS: 5 },
          { fromS: 10, toS: 10 },
        ],
      }),
    );
    expect(issues).toEqual([
      { path: 'providers.sim-openai.behaviour.windows[1].toS', message: 'must be > fromS' },
    ]);
  });

  it('rejects a window that starts after loopS', () => {
    const issues = issuesOf({
      loopS: 30,
      providers: { p: { behaviour: { windows: [{ fromS: 40, toS: 50, outage: {} }] } } },
    });
    expect(issues[0]?.path).toBe('providers.p.behaviour.windows[0].fromS');
    expect(issues[0]?.message).toContain('loopS');
  });

  it('validates latency distributions', () => {
    expect(issuesOf(withBehaviour({ latency: { kind: 'gaussian', ms: 3 } }))[0]?.path).toBe(
      'providers.sim-openai.behaviour.latency.kind',
    );
    expect(issuesOf(withBehaviour({ latency: { kind: 'uniform', minMs: 50, maxMs: 10 } }))).toEqual(
      [{ path: 'providers.sim-openai.behaviour.latency.maxMs', message: 'must be >= minMs' }],
    );
    expect(
      issuesOf(withBehaviour({ latency: { kind: 'lognormal', medianMs: 500, p95Ms: 100 } })),
    ).toEqual([
      { path: 'providers.sim-openai.behaviour.latency.p95Ms', message: 'must be >= medianMs' },
    ]);
  });

  it('validates outage, statuses and token counts', () => {
    expect(issuesOf(withBehaviour({ outage: 'down' }))[0]).toEqual({
      path: 'providers.sim-openai.behaviour.outage',
      message: 'expected "reset" or { status?: 400..599 }',
    });
    expect(issuesOf(withBehaviour({ outage: { status: 200 } }))[0]?.path).toBe(
      'providers.sim-openai.behaviour.outage.status',
    );
    expect(issuesOf(withBehaviour({ errorStatuses: [500, 302] }))[0]?.path).toBe(
      'providers.sim-openai.behaviour.errorStatuses[1]',
    );
    expect(issuesOf(withBehaviour({ outputTokens: { min: 9, max: 3 } }))[0]?.path).toBe(
      'providers.sim-openai.behaviour.outputTokens.max',
    );
    expect(issuesOf(withBehaviour({ chunkTokens: 0 }))[0]?.path).toBe(
      'providers.sim-openai.behaviour.chunkTokens',
    );
  });

  it('rejects provider ids that cannot be a path segment', () => {
    const issues = issuesOf({ providers: { 'bad id/x': {} } });
    expect(issues[0]?.path).toBe('providers.bad id/x');
    expect(issues[0]?.message).toContain('invalid provider id');
    expect(issuesOf({ providers: { _sim: {} } })[0]?.message).toContain('invalid provider id');
  });

  it('requires at least one provider and an object at the root', () => {
    expect(issuesOf({ providers: {} })[0]).toEqual({
      path: 'providers',
      message: 'at least one provider is required',
    });
    expect(issuesOf('nope')[0]?.path).toBe('');
  });

  it('reports every issue in the error message', () => {
    let caught: unknown;
    try {
      parseScenario(withBehaviour({ errorRate: -1, resetRate: 2 }));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ScenarioError);
    const message = (caught as ScenarioError).message;
    expect(message).toContain('providers.sim-openai.behaviour.errorRate:');
    expect(message).toContain('providers.sim-openai.behaviour.resetRate:');
  });
});

describe('formatIssuePath', () => {
  it('joins keys with dots and indexes with brackets', () => {
    expect(formatIssuePath(['providers', 'a', 'behaviour', 'windows', 2, 'toS'])).toBe(
      'providers.a.behaviour.windows[2].toS',
    );
    expect(formatIssuePath([])).toBe('');
  });
});
