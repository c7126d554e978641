import { describe, expect, it } from '@jest/globals';
import {
  INITIAL_CIRCUIT_STATE,
  closedState,
  halfOpenState,
  openState,
  parseCircuitState,
} from './circuit-state.js';

describe('state constructors', () => {
  it('build frozen states of each kind', () => {
    const closed = closedState(2, [{ start: 0, successes: 1, failures: 2 }], 0);
    expect(closed).toEqual({
      kind: 'closed',
      consecutiveFailures: 2,
      window: [{ start: 0, successes: 1, failures: 2 }],
      trips: 0,
    });
    expect(Object.isFrozen(closed)).toBe(true);
    expect(Object.isFrozen(closed.window)).toBe(true);
    expect(openState(10, 5_000, 1)).toEqual({
      kind: 'open',
      openedAt: 10,
      cooldownMs: 5_000,
      trips: 1,
    });
    expect(halfOpenState(1, 0, 2)).toEqual({
      kind: 'half-open',
      probesInFlight: 1,
      successes: 0,
      trips: 2,
    });
  });

  it('start from a clean closed state', () => {
    expect(INITIAL_CIRCUIT_STATE).toEqual({
      kind: 'closed',
      consecutiveFailures: 0,
      window: [],
      trips: 0,
    });
  });
});

describe('parseCircuitState', () => {
  it.each([
    { kind: 'closed', consecutiveFailures: 0, window: [], trips: 0 },
    {
      kind: 'closed',
      consecutiveFailures: 3,
      window: [
        { start: -3_000, successes: 0, failures: 0 },
        { start: 3_000, successes: 4, failures: 2 },
      ],
      trips: 2,
    },
    { kind: 'open', openedAt: 1_700_000_000_000, cooldownMs: 0, trips: 1 },
    { kind: 'half-open', probesInFlight: 0, successes: 3, trips: 9 },
  ])('accepts and copies %j', (state) => {
    const parsed = parseCircuitState(state);
    expect(parsed).toEqual(state);
    expect(parsed).not.toBe(state);
    expect(Object.isFrozen(parsed)).toBe(true);
  });

  it('drops unknown fields', () => {
    expect(
      parseCircuitState({ kind: 'open', openedAt: 0, cooldownMs: 1, trips: 1, extra: true }),
    ).toEqual({ kind: 'open', openedAt: 0, cooldownMs: 1, trips: 1 });
  });

  it.each([
    ['null', null],
    ['a string', 'closed'],
    ['an unknown kind', { kind: 'ajar', trips: 0 }],
    ['a missing kind', { trips: 0 }],
    ['a missing count', { kind: 'closed', window: [], trips: 0 }],
    ['a negative count', { kind: 'closed', consecutiveFailures: -1, window: [], trips: 0 }],
    ['a fractional count', { kind: 'closed', consecutiveFailures: 1.5, window: [], trips: 0 }],
    ['a string count', { kind: 'closed', consecutiveFailures: '1', window: [], trips: 0 }],
    [
      'a window that is not an array',
      { kind: 'closed', consecutiveFailures: 0, window: {}, trips: 0 },
    ],
    [
      'a bucket that is not an object',
      { kind: 'closed', consecutiveFailures: 0, window: [1], trips: 0 },
    ],
    [
      'a bucket with NaN failures',
      {
        kind: 'closed',
        consecutiveFailures: 0,
        window: [{ start: 0, successes: 0, failures: NaN }],
        trips: 0,
      },
    ],
    [
      'a bucket with a null start (Infinity after JSON)',
      {
        kind: 'closed',
        consecutiveFailures: 0,
        window: [{ start: null, successes: 0, failures: 0 }],
        trips: 0,
      },
    ],
    [
      'buckets out of order',
      {
        kind: 'closed',
        consecutiveFailures: 0,
        window: [
          { start: 1_000, successes: 0, failures: 0 },
          { start: 1_000, successes: 0, failures: 0 },
        ],
        trips: 0,
      },
    ],
    ['an open state with no trips', { kind: 'open', openedAt: 0, cooldownMs: 1, trips: 0 }],
    [
      'an open state with a negative cooldown',
      { kind: 'open', openedAt: 0, cooldownMs: -1, trips: 1 },
    ],
    ['an open state opened at NaN', { kind: 'open', openedAt: NaN, cooldownMs: 1, trips: 1 }],
    ['an infinite cooldown', { kind: 'open', openedAt: 0, cooldownMs: Infinity, trips: 1 }],
    [
      'a half-open state with no trips',
      { kind: 'half-open', probesInFlight: 0, successes: 0, trips: 0 },
    ],
    ['negative probes', { kind: 'half-open', probesInFlight: -1, successes: 0, trips: 1 }],
  ])('rejects %s with a RangeError', (_label, state) => {
    expect(() => parseCircuitState(state)).toThrow(RangeError);
  });
});
