import { describe, expect, it } from '@jest/globals';
import {
  DEFAULT_MIN_EVIDENCE_WEIGHT,
  decayWeight,
  evidenceLookbackMs,
  rollupAgeMs,
  rollupReadStartMs,
} from './decay.js';

const H = 15 * 60_000;

describe('decayWeight', () => {
  it('halves every half-life', () => {
    expect(decayWeight(0, H)).toBe(1);
    expect(decayWeight(H, H)).toBeCloseTo(0.5, 14);
    expect(decayWeight(2 * H, H)).toBeCloseTo(0.25, 14);
    expect(decayWeight(10 * H, H)).toBeCloseTo(1 / 1024, 14);
  });

  it('treats negative ages (clock skew) as fresh', () => {
    expect(decayWeight(-5_000, H)).toBe(1);
  });

  it('rejects a bad half-life or a NaN age', () => {
    expect(() => decayWeight(1, 0)).toThrow(RangeError);
    expect(() => decayWeight(1, Infinity)).toThrow(RangeError);
    expect(() => decayWeight(Number.NaN, H)).toThrow(RangeError);
  });
});

describe('rollupAgeMs', () => {
  it('is the age of the interval midpoint, never negative', () => {
    expect(rollupAgeMs(180_000, 60_000)).toBe(90_000);
    expect(rollupAgeMs(70_000, 60_000)).toBe(0);
    expect(rollupAgeMs(1_000_000, 0, 300_000)).toBe(850_000);
  });
});

describe('evidenceLookbackMs', () => {
  it('is h · log2(1 / minWeight): about ten half-lives for 1e-3', () => {
    expect(evidenceLookbackMs(H)).toBeCloseTo(H * Math.log2(1_000), 6);
    expect(evidenceLookbackMs(H) / H).toBeCloseTo(9.966, 3);
    expect(decayWeight(evidenceLookbackMs(H), H)).toBeCloseTo(DEFAULT_MIN_EVIDENCE_WEIGHT, 12);
    expect(evidenceLookbackMs(H, 0.5)).toBeCloseTo(H, 9);
  });

  it('rejects a min weight outside (0, 1)', () => {
    expect(() => evidenceLookbackMs(H, 0)).toThrow(RangeError);
    expect(() => evidenceLookbackMs(H, 1)).toThrow(RangeError);
  });
});

describe('rollupReadStartMs', () => {
  it('is a minute boundary; the row there still counts and the one before does not', () => {
    const now = 1_700_000_123_456;
    const start = rollupReadStartMs(now, H);
    expect(start % 60_000).toBe(0);
    expect(decayWeight(rollupAgeMs(now, start), H)).toBeGreaterThanOrEqual(
      DEFAULT_MIN_EVIDENCE_WEIGHT * 0.95,
    );
    expect(decayWeight(rollupAgeMs(now, start - 60_000), H)).toBeLessThan(
      DEFAULT_MIN_EVIDENCE_WEIGHT,
    );
  });
});
