import { describe, expect, it } from '@jest/globals';
import { createSeededRng, type Rng } from '../rng.js';
import { DEFAULT_BACKOFF, backoffCeilingMs, fullJitterBackoff } from './backoff.js';

class FixedRng implements Rng {
  draws = 0;
  constructor(private readonly value: number) {}
  next(): number {
    this.draws++;
    return this.value;
  }
}

describe('DEFAULT_BACKOFF', () => {
  it('is 50 ms base and 2 s cap', () => {
    expect(DEFAULT_BACKOFF).toEqual({ baseMs: 50, capMs: 2_000 });
  });
});

describe('backoffCeilingMs', () => {
  it('doubles from the base and stops at the cap', () => {
    const ceilings = Array.from({ length: 8 }, (_, i) => backoffCeilingMs(i, DEFAULT_BACKOFF));
    expect(ceilings).toEqual([50, 100, 200, 400, 800, 1_600, 2_000, 2_000]);
  });

  it('stays at the cap when 2^retryIndex overflows', () => {
    expect(backoffCeilingMs(5_000, DEFAULT_BACKOFF)).toBe(2_000);
  });

  it('stays at zero with a zero base however large the index', () => {
    expect(backoffCeilingMs(5_000, { baseMs: 0, capMs: 2_000 })).toBe(0);
  });

  it('applies the cap even to the first wait', () => {
    expect(backoffCeilingMs(0, { baseMs: 500, capMs: 100 })).toBe(100);
  });

  it.each([-1, 0.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects retryIndex %p', (index) => {
    expect(() => backoffCeilingMs(index, DEFAULT_BACKOFF)).toThrow(RangeError);
  });

  it.each([
    { baseMs: -1, capMs: 100 },
    { baseMs: 10, capMs: -1 },
    { baseMs: Number.NaN, capMs: 100 },
    { baseMs: 10, capMs: Number.POSITIVE_INFINITY },
  ])('rejects options %j', (options) => {
    expect(() => backoffCeilingMs(0, options)).toThrow(RangeError);
  });
});

describe('fullJitterBackoff', () => {
  it('scales one uniform draw onto [0, ceiling)', () => {
    expect(fullJitterBackoff(2, DEFAULT_BACKOFF, new FixedRng(0))).toBe(0);
    expect(fullJitterBackoff(2, DEFAULT_BACKOFF, new FixedRng(0.5))).toBe(100);
    expect(fullJitterBackoff(2, DEFAULT_BACKOFF, new FixedRng(0.25))).toBe(50);
    expect(fullJitterBackoff(2, DEFAULT_BACKOFF, new FixedRng(1 - 2 ** -53))).toBeLessThan(200);
  });

  it('draws exactly once per call, and not at all on invalid input', () => {
    const rng = new FixedRng(0.5);
    fullJitterBackoff(0, DEFAULT_BACKOFF, rng);
    fullJitterBackoff(9, DEFAULT_BACKOFF, rng);
    expect(rng.draws).toBe(2);
    expect(() => fullJitterBackoff(-1, DEFAULT_BACKOFF, rng)).toThrow(RangeError);
    expect(rng.draws).toBe(2);
  });

  function sample(retryIndex: number, n: number): number[] {
    const rng = createSeededRng(`jitter-${retryIndex}`);
    return Array.from({ length: n }, () => fullJitterBackoff(retryIndex, DEFAULT_BACKOFF, rng));
  }

  it('is uniform on [0, min(cap, base · 2^i)) (10,000 seeded draws)', () => {
    const ceiling = 400; // retryIndex 3
    const delays = sample(3, 10_000);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...delays)).toBeLessThan(ceiling);
    // Both ends of the interval are reached, so it is not a narrower or shifted interval.
    expect(Math.min(...delays)).toBeLessThan(ceiling * 0.01);
    expect(Math.max(...delays)).toBeGreaterThan(ceiling * 0.99);
    const mean = delays.reduce((sum, d) => sum + d, 0) / delays.length;
    expect(Math.abs(mean / ceiling - 0.5)).toBeLessThan(0.02);
    // Each tenth of the interval holds about a tenth of the draws.
    const deciles = new Array<number>(10).fill(0);
    for (const d of delays) deciles[Math.floor((d / ceiling) * 10)]!++;
    for (const count of deciles) expect(Math.abs(count / delays.length - 0.1)).toBeLessThan(0.02);
  });

  it('never reaches the cap once the exponential passes it', () => {
    const delays = sample(12, 10_000);
    expect(Math.max(...delays)).toBeLessThan(2_000);
    expect(Math.max(...delays)).toBeGreaterThan(1_980);
    const mean = delays.reduce((sum, d) => sum + d, 0) / delays.length;
    expect(Math.abs(mean - 1_000)).toBeLessThan(40);
  });

  it('is deterministic under a seed', () => {
    expect(sample(4, 20)).toEqual(sample(4, 20));
  });
});
