import { describe, expect, it } from '@jest/globals';
import { createSeededRng, type Rng } from '../rng.js';
import { weightedOrder, type WeightedCandidate } from './weighted-order.js';

/** Replays fixed values and counts how many were drawn. */
class ScriptedRng implements Rng {
  draws = 0;
  constructor(private readonly values: readonly number[]) {}
  next(): number {
    const value = this.values[this.draws];
    if (value === undefined) throw new Error(`unexpected draw #${this.draws + 1}`);
    this.draws++;
    return value;
  }
}

/** Wraps an rng and counts its draws. */
class CountingRng implements Rng {
  draws = 0;
  constructor(private readonly inner: Rng) {}
  next(): number {
    this.draws++;
    return this.inner.next();
  }
}

function candidates(weights: Record<string, number>): WeightedCandidate<string>[] {
  return Object.entries(weights).map(([item, weight]) => ({ item, weight }));
}

const ABCD = candidates({ a: 1, b: 2, c: 3, d: 4 });

describe('weightedOrder', () => {
  it('returns an empty order for no candidates without drawing', () => {
    const rng = new ScriptedRng([]);
    expect(weightedOrder([], rng)).toEqual([]);
    expect(rng.draws).toBe(0);
  });

  it('returns a single positive candidate with probability 1 without drawing', () => {
    const rng = new ScriptedRng([]);
    expect(weightedOrder(candidates({ only: 0.3 }), rng)).toEqual([
      { item: 'only', probability: 1 },
    ]);
    expect(rng.draws).toBe(0);
  });

  it('returns a single zero-weight candidate with probability 0', () => {
    expect(weightedOrder(candidates({ only: 0 }), new ScriptedRng([]))).toEqual([
      { item: 'only', probability: 0 },
    ]);
  });

  it('maps the draw onto cumulative weight intervals', () => {
    // Intervals of total 10: a [0, 1), b [1, 3), c [3, 6), d [6, 10).
    const first = (u: number): string => weightedOrder(ABCD, new ScriptedRng([u, 0, 0]))[0]!.item;
    expect(first(0)).toBe('a');
    expect(first(0.0999)).toBe('a');
    expect(first(0.1)).toBe('b');
    expect(first(0.2999)).toBe('b');
    expect(first(0.3)).toBe('c');
    expect(first(0.5999)).toBe('c');
    expect(first(0.6)).toBe('d');
    expect(first(0.9999999999)).toBe('d');
  });

  it('gives the last interval to the last candidate even for a draw at the upper bound', () => {
    // An Rng must return < 1, but rounding in u * total can reach the end of the last interval.
    const order = weightedOrder(candidates({ a: 0.1, b: 0.2 }), new ScriptedRng([1]));
    expect(order.map((p) => p.item)).toEqual(['b', 'a']);
  });

  it('reports each pick probability conditional on the earlier picks', () => {
    // d: 4/10; then a among {a, b, c}: 1/6; then c among {b, c}: 3/5; then b alone: 1.
    const order = weightedOrder(ABCD, new ScriptedRng([0.95, 0, 0.99]));
    expect(order.map((p) => p.item)).toEqual(['d', 'a', 'c', 'b']);
    expect(order[0]!.probability).toBeCloseTo(0.4, 12);
    expect(order[1]!.probability).toBeCloseTo(1 / 6, 12);
    expect(order[2]!.probability).toBeCloseTo(3 / 5, 12);
    expect(order[3]!.probability).toBe(1);
  });

  it('draws exactly once per positive pick except the last', () => {
    for (const n of [1, 2, 3, 7, 10]) {
      const input = Array.from({ length: n }, (_, i) => ({ item: i, weight: i + 1 }));
      const withZeros = [{ item: -1, weight: 0 }, ...input, { item: -2, weight: 0 }];
      const rng = new CountingRng(createSeededRng(n));
      expect(weightedOrder(withZeros, rng)).toHaveLength(n + 2);
      expect(rng.draws).toBe(n - 1);
    }
  });

  it('returns every candidate exactly once', () => {
    const input = candidates({ a: 5, b: 0, c: 1, d: 0.5, e: 0, f: 3 });
    const rng = createSeededRng('permutation');
    for (let run = 0; run < 200; run++) {
      const items = weightedOrder(input, rng).map((p) => p.item);
      expect([...items].sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    }
  });

  it('picks the first position in proportion to the weights (10,000 seeded picks, ±2%)', () => {
    const weights = { a: 1, b: 2, c: 3, d: 4 };
    const input = candidates(weights);
    const rng = createSeededRng('first-position');
    const counts = new Map<string, number>();
    const runs = 10_000;
    for (let run = 0; run < runs; run++) {
      const item = weightedOrder(input, rng)[0]!.item;
      counts.set(item, (counts.get(item) ?? 0) + 1);
    }
    for (const [item, weight] of Object.entries(weights)) {
      const observed = (counts.get(item) ?? 0) / runs;
      expect(Math.abs(observed - weight / 10)).toBeLessThan(0.02);
    }
  });

  it('follows the conditional distribution in later positions', () => {
    // Given d first, b should come second with probability 2/6, c with 3/6, a with 1/6.
    const rng = createSeededRng('second-position');
    const counts = new Map<string, number>();
    let givenD = 0;
    for (let run = 0; run < 30_000; run++) {
      const order = weightedOrder(ABCD, rng);
      if (order[0]!.item !== 'd') continue;
      givenD++;
      const second = order[1]!.item;
      counts.set(second, (counts.get(second) ?? 0) + 1);
    }
    expect(givenD).toBeGreaterThan(10_000);
    const expected: Record<string, number> = { a: 1 / 6, b: 2 / 6, c: 3 / 6 };
    for (const [item, p] of Object.entries(expected)) {
      expect(Math.abs((counts.get(item) ?? 0) / givenD - p)).toBeLessThan(0.02);
    }
    expect(counts.has('d')).toBe(false);
  });

  it('states probability w_i / (sum of the weights not yet picked) at every position', () => {
    const weights: Record<string, number> = { a: 0.7, b: 2.2, c: 0.1, d: 5, e: 1 };
    const input = candidates(weights);
    const rng = createSeededRng('conditional');
    for (let run = 0; run < 100; run++) {
      const order = weightedOrder(input, rng);
      let left = Object.values(weights).reduce((sum, w) => sum + w, 0);
      for (const pick of order) {
        const w = weights[pick.item]!;
        expect(pick.probability).toBeCloseTo(w / left, 12);
        left -= w;
      }
    }
  });

  it('is deterministic under a seed', () => {
    const input = candidates({ a: 1, b: 1, c: 1, d: 1, e: 1, f: 1 });
    const runWith = (seed: string): string[][] => {
      const rng = createSeededRng(seed);
      return Array.from({ length: 50 }, () => weightedOrder(input, rng).map((p) => p.item));
    };
    expect(runWith('seed-1')).toEqual(runWith('seed-1'));
    expect(runWith('seed-1')).not.toEqual(runWith('seed-2'));
  });

  it('depends only on the ratios of the weights', () => {
    const small = candidates({ a: 1, b: 3, c: 6 });
    const large = candidates({ a: 1e6, b: 3e6, c: 6e6 });
    const rngSmall = createSeededRng('scale');
    const rngLarge = createSeededRng('scale');
    for (let run = 0; run < 100; run++) {
      const x = weightedOrder(small, rngSmall);
      const y = weightedOrder(large, rngLarge);
      expect(y.map((p) => p.item)).toEqual(x.map((p) => p.item));
      y.forEach((pick, i) => expect(pick.probability).toBeCloseTo(x[i]!.probability, 12));
    }
  });

  it('puts zero-weight candidates last, in input order, with probability 0', () => {
    const input = candidates({ z1: 0, a: 1, z2: 0, b: 9, z3: 0 });
    const rng = createSeededRng('zeros');
    for (let run = 0; run < 200; run++) {
      const order = weightedOrder(input, rng);
      expect(order.slice(2)).toEqual([
        { item: 'z1', probability: 0 },
        { item: 'z2', probability: 0 },
        { item: 'z3', probability: 0 },
      ]);
      expect(order.slice(0, 2).every((p) => p.probability > 0)).toBe(true);
    }
  });

  it('keeps input order and draws nothing when every weight is zero', () => {
    const rng = new ScriptedRng([]);
    expect(weightedOrder(candidates({ x: 0, y: 0, z: 0 }), rng)).toEqual([
      { item: 'x', probability: 0 },
      { item: 'y', probability: 0 },
      { item: 'z', probability: 0 },
    ]);
  });

  it('treats -0 as a zero weight', () => {
    const order = weightedOrder(
      [
        { item: 'neg-zero', weight: -0 },
        { item: 'one', weight: 1 },
      ],
      new ScriptedRng([]),
    );
    expect(order).toEqual([
      { item: 'one', probability: 1 },
      { item: 'neg-zero', probability: 0 },
    ]);
  });

  it.each([-1, -Number.MIN_VALUE, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    'rejects weight %p with a RangeError',
    (weight) => {
      const input = [
        { item: 'ok', weight: 1 },
        { item: 'bad', weight },
      ];
      expect(() => weightedOrder(input, new ScriptedRng([0.5]))).toThrow(RangeError);
      expect(() => weightedOrder(input, new ScriptedRng([0.5]))).toThrow(/candidate 1/);
    },
  );

  it('rejects weights whose sum overflows', () => {
    const input = candidates({ a: Number.MAX_VALUE, b: Number.MAX_VALUE });
    expect(() => weightedOrder(input, new ScriptedRng([0.5]))).toThrow(RangeError);
  });

  it('handles tiny positive weights', () => {
    const order = weightedOrder(candidates({ a: Number.MIN_VALUE, b: 0 }), new ScriptedRng([]));
    expect(order).toEqual([
      { item: 'a', probability: 1 },
      { item: 'b', probability: 0 },
    ]);
  });

  it('does not mutate its input', () => {
    const input = candidates({ a: 1, b: 0, c: 2 });
    const copy = structuredClone(input);
    weightedOrder(input, createSeededRng(1));
    expect(input).toEqual(copy);
  });
});
