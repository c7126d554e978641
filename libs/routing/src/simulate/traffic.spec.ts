import { describe, expect, it } from '@jest/globals';
import { tinyScenario } from '../../test/scenario.factory.js';
import { SeededRng, type Rng } from '../rng.js';
import { generateTraffic } from './traffic.js';

describe('generateTraffic', () => {
  const options = tinyScenario().traffic;

  it('produces a Poisson stream at the requested rate, sorted, reproducible', () => {
    const a = generateTraffic(options, 3_600_000, new SeededRng('t'));
    expect(a.length).toBeGreaterThan(7_000);
    expect(a.length).toBeLessThan(7_400);
    for (let i = 1; i < a.length; i++) expect(a[i]!.atMs).toBeGreaterThanOrEqual(a[i - 1]!.atMs);
    expect(a.every((r, i) => r.index === i && r.inputTokens >= 1 && r.maxTokens === 512)).toBe(
      true,
    );
    const streamed = a.filter((r) => r.stream).length / a.length;
    expect(streamed).toBeCloseTo(0.2, 1);
    expect(generateTraffic(options, 3_600_000, new SeededRng('t'))).toEqual(a);
  });

  it('draws six numbers per request plus one', () => {
    let draws = 0;
    const inner = new SeededRng('count');
    const counting: Rng = {
      next: () => {
        draws++;
        return inner.next();
      },
    };
    const out = generateTraffic(options, 60_000, counting);
    expect(draws).toBe(6 * out.length + 1);
  });

  it('rejects a non-positive rate', () => {
    expect(() =>
      generateTraffic({ ...options, requestsPerSecond: 0 }, 1, new SeededRng(1)),
    ).toThrow(RangeError);
  });
});
