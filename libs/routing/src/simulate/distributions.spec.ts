import { describe, expect, it } from '@jest/globals';
import {
  erf,
  exponentialFromUniform,
  lognormalCdf,
  lognormalMean,
  normalCdf,
  normalFromUniforms,
} from './distributions.js';

describe('distributions', () => {
  it('approximates erf and Φ to 1e-6', () => {
    expect(erf(0)).toBeCloseTo(0, 6);
    expect(erf(1)).toBeCloseTo(0.8427007929, 6);
    expect(erf(-1)).toBeCloseTo(-0.8427007929, 6);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-3)).toBeCloseTo(0.0013499, 6);
  });

  it('gives log-normal probabilities and means', () => {
    expect(lognormalCdf(1_000, 1_000, 0.5)).toBeCloseTo(0.5, 6);
    expect(lognormalCdf(1_000 * Math.exp(0.5), 1_000, 0.5)).toBeCloseTo(normalCdf(1), 9);
    expect(lognormalCdf(0, 1_000, 0.5)).toBe(0);
    expect(lognormalCdf(999, 1_000, 0)).toBe(0);
    expect(lognormalMean(1_000, 0.6)).toBeCloseTo(1_000 * Math.exp(0.18), 9);
    expect(() => lognormalCdf(1, 0, 1)).toThrow(RangeError);
  });

  it('maps uniforms to normals and exponentials', () => {
    expect(normalFromUniforms(1 - Math.exp(-0.5), 0)).toBeCloseTo(1, 12);
    expect(exponentialFromUniform(1 - Math.exp(-1), 200)).toBeCloseTo(200, 9);
    expect(exponentialFromUniform(0, 200)).toBe(-0);
  });
});
