import { describe, expect, it } from '@jest/globals';
import { SeededRng, type Rng } from '../rng.js';
import { RandomVariates } from './random-variates.js';

function moments(draw: () => number, n: number): { mean: number; variance: number } {
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < n; i++) {
    const x = draw();
    sum += x;
    sumSq += x * x;
  }
  const mean = sum / n;
  return { mean, variance: sumSq / n - mean * mean };
}

describe('RandomVariates', () => {
  it('draws standard normals (ziggurat): mean 0, variance 1, tails of the right weight', () => {
    const v = new RandomVariates(new SeededRng('normal'));
    const n = 400_000;
    let beyond2 = 0;
    let beyond3 = 0;
    let sum = 0;
    let sumSq = 0;
    let sum4 = 0;
    for (let i = 0; i < n; i++) {
      const z = v.normal();
      sum += z;
      sumSq += z * z;
      sum4 += z ** 4;
      if (Math.abs(z) > 2) beyond2++;
      if (Math.abs(z) > 3) beyond3++;
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.01);
    expect(Math.abs(sumSq / n - 1)).toBeLessThan(0.01);
    expect(Math.abs(sum4 / n - 3)).toBeLessThan(0.06);
    expect(beyond2 / n).toBeCloseTo(0.0455, 2);
    expect(beyond3 / n).toBeGreaterThan(0.0022);
    expect(beyond3 / n).toBeLessThan(0.0032);
  });

  it.each([0.3, 1, 2.5, 40, 3_000])('draws Gamma(%p) with mean k and variance k', (k) => {
    const v = new RandomVariates(new SeededRng(`gamma-${k}`));
    const { mean, variance } = moments(() => v.gamma(k), 100_000);
    expect(Math.abs(mean - k) / k).toBeLessThan(0.01 + 0.02 / Math.sqrt(k));
    expect(Math.abs(variance - k) / k).toBeLessThan(0.04);
  });

  it('draws Beta(α, β) with mean α/(α+β) and the right variance', () => {
    const v = new RandomVariates(new SeededRng('beta'));
    for (const [a, b] of [
      [1, 1],
      [2, 8],
      [300, 3],
    ] as const) {
      const { mean, variance } = moments(() => v.beta(a, b), 100_000);
      const m = a / (a + b);
      const expectedVariance = (a * b) / ((a + b) ** 2 * (a + b + 1));
      expect(mean).toBeCloseTo(m, 2);
      expect(Math.abs(variance - expectedVariance) / expectedVariance).toBeLessThan(0.05);
    }
  });

  it('draws inverse gamma with mean b / (α − 1)', () => {
    const v = new RandomVariates(new SeededRng('ig'));
    const { mean } = moments(() => v.inverseGamma(50, 4_900), 50_000);
    expect(mean).toBeCloseTo(100, 0);
  });

  it('repeats its draws for an equal seed', () => {
    const a = new RandomVariates(new SeededRng(7));
    const b = new RandomVariates(new SeededRng(7));
    const c = new RandomVariates(new SeededRng(8));
    const draw = (v: RandomVariates): number[] => [v.normal(), v.gamma(3), v.beta(2, 5)];
    const first = draw(a);
    expect(draw(b)).toEqual(first);
    expect(draw(c)).not.toEqual(first);
  });

  it('uses one uniform per normal on the fast path', () => {
    let draws = 0;
    const counting: Rng = {
      next: () => {
        draws++;
        return 0.3;
      },
    };
    new RandomVariates(counting).normal();
    expect(draws).toBe(1);
  });

  it('rejects invalid parameters', () => {
    const v = new RandomVariates(new SeededRng(1));
    expect(() => v.gamma(0)).toThrow(RangeError);
    expect(() => v.gamma(Number.NaN)).toThrow(RangeError);
    expect(() => v.gammaSampler(Infinity)).toThrow(RangeError);
    expect(() => v.beta(1, -1)).toThrow(RangeError);
    expect(() => v.inverseGamma(2, -1)).toThrow(RangeError);
  });
});
