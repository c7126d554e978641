import { describe, expect, it } from '@jest/globals';
import { createSeededRng } from '../rng.js';
import {
  bernoulliGlr,
  bernoulliKl,
  glrThreshold,
  latestChangePoint,
  type BernoulliSeries,
} from './change-point.js';

/** A series of buckets with `n` Bernoulli(p[i]) draws each. */
function series(rates: readonly number[], n: number, seed: string): BernoulliSeries {
  const rng = createSeededRng(seed);
  const yes: number[] = [];
  const no: number[] = [];
  for (const p of rates) {
    let s = 0;
    for (let i = 0; i < n; i++) if (rng.next() < p) s++;
    yes.push(s);
    no.push(n - s);
  }
  return { yes, no };
}

describe('bernoulliKl', () => {
  it('matches the formula and its edge cases', () => {
    expect(bernoulliKl(0.5, 0.5)).toBe(0);
    expect(bernoulliKl(0.9, 0.5)).toBeCloseTo(0.9 * Math.log(1.8) + 0.1 * Math.log(0.2), 12);
    expect(bernoulliKl(1, 0.5)).toBeCloseTo(Math.log(2), 12);
    expect(bernoulliKl(0.5, 1)).toBe(Infinity);
    expect(() => bernoulliKl(1.1, 0.5)).toThrow(RangeError);
  });
});

describe('bernoulliGlr', () => {
  it('equals n1·kl(p1, p) + n2·kl(p2, p) with the pooled p', () => {
    const [s1, f1, s2, f2] = [90, 10, 30, 20];
    const p = (s1 + s2) / (s1 + f1 + s2 + f2);
    const expected = 100 * bernoulliKl(0.9, p) + 50 * bernoulliKl(0.6, p);
    expect(bernoulliGlr(s1, f1, s2, f2)).toBeCloseTo(expected, 10);
  });

  it('is 0 for equal rates and symmetric in the segments', () => {
    expect(bernoulliGlr(9, 1, 90, 10)).toBeCloseTo(0, 12);
    expect(bernoulliGlr(3, 7, 8, 2)).toBeCloseTo(bernoulliGlr(8, 2, 3, 7), 12);
  });

  it('rejects negative counts', () => {
    expect(() => bernoulliGlr(-1, 0, 0, 0)).toThrow(RangeError);
  });
});

describe('glrThreshold', () => {
  it('is ln(3 n^1.5 / δ)', () => {
    expect(glrThreshold(100, 0.01)).toBeCloseTo(Math.log((3 * 1000) / 0.01), 12);
    expect(glrThreshold(0, 0.5)).toBeCloseTo(Math.log(6), 12);
    expect(() => glrThreshold(10, 0)).toThrow(RangeError);
  });
});

describe('latestChangePoint', () => {
  it('finds an abrupt drop at the right bucket', () => {
    const rates = [...new Array<number>(30).fill(0.99), ...new Array<number>(5).fill(0.2)];
    expect(latestChangePoint([series(rates, 50, 'drop')], 0.01)).toBe(30);
  });

  it('finds the most recent of two changes (outage, then recovery)', () => {
    const rates = [
      ...new Array<number>(20).fill(0.99),
      ...new Array<number>(40).fill(0),
      ...new Array<number>(3).fill(0.99),
    ];
    expect(latestChangePoint([series(rates, 20, 'two')], 0.01)).toBe(60);
  });

  it('watches every series: a change in the second one counts', () => {
    const flat = series(new Array<number>(40).fill(0.99), 50, 'flat');
    const slow = series(
      [...new Array<number>(35).fill(0.95), ...new Array<number>(5).fill(0.1)],
      50,
      'slow',
    );
    expect(latestChangePoint([flat], 0.01)).toBe(0);
    expect(latestChangePoint([flat, slow], 0.01)).toBe(35);
  });

  it('rarely fires on stationary data (false alarms well under 1 % per scan at δ = 0.01)', () => {
    let alarms = 0;
    for (let trial = 0; trial < 200; trial++) {
      const s = series(new Array<number>(150).fill(0.97), 30, `null-${trial}`);
      if (latestChangePoint([s], 0.01) > 0) alarms++;
    }
    expect(alarms).toBeLessThanOrEqual(2);
  });

  it('returns 0 for empty, one-bucket and all-success series', () => {
    expect(latestChangePoint([])).toBe(0);
    expect(latestChangePoint([{ yes: [5], no: [5] }])).toBe(0);
    expect(latestChangePoint([{ yes: [5, 5, 0], no: [0, 0, 0] }])).toBe(0);
  });

  it('rejects series of different lengths or bad counts', () => {
    expect(() =>
      latestChangePoint([
        { yes: [1, 2], no: [1, 2] },
        { yes: [1], no: [1] },
      ]),
    ).toThrow(RangeError);
    expect(() => latestChangePoint([{ yes: [1, -2], no: [1, 2] }])).toThrow(RangeError);
  });
});
