import { describe, expect, it } from '@jest/globals';
import {
  DEFAULT_CIRCUIT_BREAKER_OPTIONS,
  circuitCooldownMs,
  resolveCircuitBreakerOptions,
  type CircuitBreakerOptions,
} from './circuit-breaker-options.js';

describe('DEFAULT_CIRCUIT_BREAKER_OPTIONS', () => {
  it('holds the documented defaults', () => {
    expect(DEFAULT_CIRCUIT_BREAKER_OPTIONS).toEqual({
      consecutiveFailures: 5,
      failureRateThreshold: 0.5,
      minimumVolume: 20,
      windowMs: 30_000,
      windowBuckets: 10,
      cooldownMs: 5_000,
      cooldownMultiplier: 2,
      maxCooldownMs: 300_000,
      halfOpenMaxProbes: 1,
      halfOpenSuccessesToClose: 1,
    });
  });

  it('cannot be changed by accident', () => {
    expect(Object.isFrozen(DEFAULT_CIRCUIT_BREAKER_OPTIONS)).toBe(true);
  });
});

describe('resolveCircuitBreakerOptions', () => {
  it('returns the defaults when given nothing', () => {
    expect(resolveCircuitBreakerOptions()).toEqual(DEFAULT_CIRCUIT_BREAKER_OPTIONS);
  });

  it('overrides only the given fields and ignores undefined ones', () => {
    const resolved = resolveCircuitBreakerOptions({ cooldownMs: 1_000, windowMs: undefined });
    expect(resolved).toEqual({ ...DEFAULT_CIRCUIT_BREAKER_OPTIONS, cooldownMs: 1_000 });
    expect(Object.isFrozen(resolved)).toBe(true);
  });

  it('accepts the edges of each range', () => {
    expect(() =>
      resolveCircuitBreakerOptions({
        consecutiveFailures: 1,
        failureRateThreshold: 1,
        minimumVolume: 1,
        windowMs: 0.5,
        windowBuckets: 1,
        cooldownMs: 0,
        cooldownMultiplier: 1,
        maxCooldownMs: 0,
        halfOpenMaxProbes: 1,
        halfOpenSuccessesToClose: 1,
      }),
    ).not.toThrow();
    expect(() => resolveCircuitBreakerOptions({ failureRateThreshold: 1e-9 })).not.toThrow();
  });

  const invalid: [keyof CircuitBreakerOptions, number][] = [
    ['consecutiveFailures', 0],
    ['consecutiveFailures', 1.5],
    ['consecutiveFailures', Number.POSITIVE_INFINITY],
    ['failureRateThreshold', 0],
    ['failureRateThreshold', -0.1],
    ['failureRateThreshold', 1.01],
    ['failureRateThreshold', Number.NaN],
    ['minimumVolume', 0],
    ['minimumVolume', 2.5],
    ['windowMs', 0],
    ['windowMs', -1],
    ['windowMs', Number.POSITIVE_INFINITY],
    ['windowBuckets', 0],
    ['windowBuckets', 3.5],
    ['cooldownMs', -1],
    ['cooldownMs', Number.NaN],
    ['cooldownMultiplier', 0.5],
    ['cooldownMultiplier', Number.POSITIVE_INFINITY],
    ['maxCooldownMs', 4_999],
    ['maxCooldownMs', Number.POSITIVE_INFINITY],
    ['halfOpenMaxProbes', 0],
    ['halfOpenMaxProbes', -1],
    ['halfOpenSuccessesToClose', 0],
    ['halfOpenSuccessesToClose', 1.1],
  ];
  it.each(invalid)('rejects %s = %p with a RangeError', (name, value) => {
    expect(() => resolveCircuitBreakerOptions({ [name]: value })).toThrow(RangeError);
    expect(() => resolveCircuitBreakerOptions({ [name]: value })).toThrow(name);
  });
});

describe('circuitCooldownMs', () => {
  const options = { cooldownMs: 5_000, cooldownMultiplier: 2, maxCooldownMs: 300_000 };

  it('uses cooldownMs for the first open and multiplies it for each further open', () => {
    const sequence = Array.from({ length: 8 }, (_, trips) => circuitCooldownMs(trips, options));
    expect(sequence).toEqual([5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
  });

  it('stays at the cap when the power overflows', () => {
    expect(circuitCooldownMs(5_000, options)).toBe(300_000);
  });

  it('keeps a zero cooldown at zero however many trips', () => {
    expect(circuitCooldownMs(5_000, { ...options, cooldownMs: 0 })).toBe(0);
  });

  it('is constant with a multiplier of 1', () => {
    expect(circuitCooldownMs(7, { ...options, cooldownMultiplier: 1 })).toBe(5_000);
  });

  it('handles fractional multipliers', () => {
    expect(circuitCooldownMs(2, { ...options, cooldownMultiplier: 1.5 })).toBe(11_250);
  });

  it.each([-1, 0.5, Number.NaN])('rejects tripsBefore = %p', (trips) => {
    expect(() => circuitCooldownMs(trips, options)).toThrow(RangeError);
  });
});
