import { describe, expect, it } from '@jest/globals';
import { createSeededRng } from '../rng.js';
import { costMicroUsd, maxCostMicroUsd } from './cost.js';
import type { TokenPrice } from './token-price.js';

/** USD 2.50 / 1M input, USD 10 / 1M output, USD 1.25 / 1M cached input. */
const GPT4O: TokenPrice = {
  inputPerMillion: 2_500_000,
  outputPerMillion: 10_000_000,
  cachedInputPerMillion: 1_250_000,
};
const NO_CACHE_PRICE: TokenPrice = { inputPerMillion: 2_500_000, outputPerMillion: 10_000_000 };

describe('costMicroUsd', () => {
  it('prices input and output tokens', () => {
    // 1000 · 2.5 + 500 · 10 = 7500 micro-USD.
    expect(costMicroUsd({ inputTokens: 1_000, outputTokens: 500 }, NO_CACHE_PRICE)).toBe(7_500);
  });

  it('is zero for zero tokens', () => {
    expect(costMicroUsd({ inputTokens: 0, outputTokens: 0 }, GPT4O)).toBe(0);
  });

  it('rounds up so spend is never under-counted', () => {
    expect(
      costMicroUsd(
        { inputTokens: 1, outputTokens: 0 },
        { inputPerMillion: 1, outputPerMillion: 1 },
      ),
    ).toBe(1);
    // 3 · 2.5 = 7.5 -> 8
    expect(costMicroUsd({ inputTokens: 3, outputTokens: 0 }, NO_CACHE_PRICE)).toBe(8);
  });

  it('rounds the sum once, not each part', () => {
    const price = { inputPerMillion: 400_000, outputPerMillion: 400_000 };
    // 0.4 + 0.4 = 0.8 -> 1 (rounding each part would give 2).
    expect(costMicroUsd({ inputTokens: 1, outputTokens: 1 }, price)).toBe(1);
  });

  it('bills cached input tokens at the cached price', () => {
    // 200 · 2.5 + 800 · 1.25 + 100 · 10 = 500 + 1000 + 1000 = 2500.
    expect(
      costMicroUsd({ inputTokens: 1_000, cachedInputTokens: 800, outputTokens: 100 }, GPT4O),
    ).toBe(2_500);
  });

  it('bills cached input tokens at the input price when no cached price is given', () => {
    expect(
      costMicroUsd(
        { inputTokens: 1_000, cachedInputTokens: 800, outputTokens: 100 },
        NO_CACHE_PRICE,
      ),
    ).toBe(3_500);
  });

  it('accepts a free cached price and an all-cached prompt', () => {
    const price = { ...NO_CACHE_PRICE, cachedInputPerMillion: 0 };
    expect(
      costMicroUsd({ inputTokens: 1_000, cachedInputTokens: 1_000, outputTokens: 0 }, price),
    ).toBe(0);
  });

  it('stays exact where tokens · price passes 2^53', () => {
    // 9_007_199_254_740_991 · 1 / 10^6 = 9_007_199_254.740991 -> 9_007_199_255.
    expect(
      costMicroUsd(
        { inputTokens: Number.MAX_SAFE_INTEGER, outputTokens: 0 },
        { inputPerMillion: 1, outputPerMillion: 0 },
      ),
    ).toBe(9_007_199_255);
    // 10^10 · 10^9 = 10^19 > 2^53, plus 1 token of output at 1 micro-USD per million.
    expect(
      costMicroUsd(
        { inputTokens: 10_000_000_000, outputTokens: 1 },
        { inputPerMillion: 1_000_000_000, outputPerMillion: 1 },
      ),
    ).toBe(10_000_000_000_001);
  });

  it('rejects a cost above Number.MAX_SAFE_INTEGER', () => {
    expect(() =>
      costMicroUsd(
        { inputTokens: Number.MAX_SAFE_INTEGER, outputTokens: 0 },
        { inputPerMillion: Number.MAX_SAFE_INTEGER, outputPerMillion: 0 },
      ),
    ).toThrow(RangeError);
  });

  it('rejects more cached tokens than input tokens', () => {
    expect(() =>
      costMicroUsd({ inputTokens: 10, cachedInputTokens: 11, outputTokens: 0 }, GPT4O),
    ).toThrow(RangeError);
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])(
    'rejects the token count %p',
    (count) => {
      expect(() => costMicroUsd({ inputTokens: count, outputTokens: 0 }, GPT4O)).toThrow(
        RangeError,
      );
      expect(() => costMicroUsd({ inputTokens: 0, outputTokens: count }, GPT4O)).toThrow(
        RangeError,
      );
      expect(() =>
        costMicroUsd({ inputTokens: 100, cachedInputTokens: count, outputTokens: 0 }, GPT4O),
      ).toThrow(RangeError);
    },
  );

  it.each([-1, 2.5, Number.NaN])('rejects the price %p', (value) => {
    const usage = { inputTokens: 1, outputTokens: 1 };
    expect(() => costMicroUsd(usage, { ...GPT4O, inputPerMillion: value })).toThrow(RangeError);
    expect(() => costMicroUsd(usage, { ...GPT4O, outputPerMillion: value })).toThrow(RangeError);
    expect(() => costMicroUsd(usage, { ...GPT4O, cachedInputPerMillion: value })).toThrow(
      RangeError,
    );
  });
});

describe('maxCostMicroUsd', () => {
  it('prices the prompt at the input price and max output at the output price', () => {
    // 1000 · 2.5 + 4096 · 10 = 2500 + 40960.
    expect(maxCostMicroUsd(1_000, 4_096, GPT4O)).toBe(43_460);
    expect(maxCostMicroUsd(0, 0, GPT4O)).toBe(0);
  });

  it('rounds up', () => {
    expect(maxCostMicroUsd(3, 0, NO_CACHE_PRICE)).toBe(8);
  });

  it('uses the cached price for the prompt when it is the higher one', () => {
    const price = {
      inputPerMillion: 1_000_000,
      outputPerMillion: 0,
      cachedInputPerMillion: 3_000_000,
    };
    expect(maxCostMicroUsd(10, 0, price)).toBe(30);
  });

  it('is never below the actual cost of a call within the reservation', () => {
    const rng = createSeededRng('reservation');
    const int = (max: number): number => Math.floor(rng.next() * (max + 1));
    for (let i = 0; i < 2_000; i++) {
      const price: TokenPrice = {
        inputPerMillion: int(20_000_000),
        outputPerMillion: int(80_000_000),
        ...(rng.next() < 0.5 ? {} : { cachedInputPerMillion: int(20_000_000) }),
      };
      const inputTokens = int(200_000);
      const maxOutputTokens = int(32_000);
      const usage = {
        inputTokens,
        cachedInputTokens: int(inputTokens),
        outputTokens: int(maxOutputTokens),
      };
      expect(costMicroUsd(usage, price)).toBeLessThanOrEqual(
        maxCostMicroUsd(inputTokens, maxOutputTokens, price),
      );
    }
  });

  it('equals the actual cost when the call uses its whole allowance and no cache', () => {
    expect(maxCostMicroUsd(1_234, 567, GPT4O)).toBe(
      costMicroUsd({ inputTokens: 1_234, outputTokens: 567 }, GPT4O),
    );
  });

  it.each([-1, 0.5, Number.NaN])('rejects the token count %p', (count) => {
    expect(() => maxCostMicroUsd(count, 0, GPT4O)).toThrow(RangeError);
    expect(() => maxCostMicroUsd(0, count, GPT4O)).toThrow(RangeError);
  });

  it('rejects an invalid price', () => {
    expect(() => maxCostMicroUsd(1, 1, { ...GPT4O, outputPerMillion: -1 })).toThrow(RangeError);
    expect(() => maxCostMicroUsd(1, 1, { ...GPT4O, cachedInputPerMillion: 0.5 })).toThrow(
      RangeError,
    );
  });
});
