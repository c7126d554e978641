import { describe, expect, it } from '@jest/globals';
import { SeededRng, createSeededRng } from './rng.js';

function take(rng: { next(): number }, n: number): number[] {
  return Array.from({ length: n }, () => rng.next());
}

describe('SeededRng', () => {
  it('returns numbers in [0, 1)', () => {
    for (const value of take(createSeededRng('range'), 100_000)) {
      expect(value >= 0 && value < 1).toBe(true);
    }
  });

  it('repeats its sequence for an equal seed', () => {
    expect(take(new SeededRng(42), 100)).toEqual(take(createSeededRng(42), 100));
    expect(take(createSeededRng('abc'), 100)).toEqual(take(createSeededRng('abc'), 100));
  });

  it('gives different sequences for different seeds, including 1 and "1"', () => {
    const sequences = [1, 2, '1', '2', 'a', 'b'].map((seed) => take(createSeededRng(seed), 8));
    const distinct = new Set(sequences.map((s) => JSON.stringify(s)));
    expect(distinct.size).toBe(sequences.length);
  });

  it('is roughly uniform (100,000 draws in 10 bins, ±1%)', () => {
    const bins = new Array<number>(10).fill(0);
    for (const value of take(createSeededRng('uniform'), 100_000)) bins[Math.floor(value * 10)]!++;
    for (const count of bins) expect(Math.abs(count / 100_000 - 0.1)).toBeLessThan(0.01);
  });

  it('forks reproducible, label-dependent streams', () => {
    const a = createSeededRng('parent').fork('x');
    const b = createSeededRng('parent').fork('x');
    const c = createSeededRng('parent').fork('y');
    const first = take(a, 10);
    expect(take(b, 10)).toEqual(first);
    expect(take(c, 10)).not.toEqual(first);
  });

  it('advances the parent when forking', () => {
    const forked = createSeededRng('parent');
    forked.fork('x');
    expect(forked.next()).not.toBe(createSeededRng('parent').next());
  });
});
