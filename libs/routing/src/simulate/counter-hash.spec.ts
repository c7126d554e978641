import { describe, expect, it } from '@jest/globals';
import { hashSeed, hashUniform } from './counter-hash.js';

describe('hashUniform', () => {
  it('is a deterministic uniform in [0, 1)', () => {
    const seed = hashSeed('x');
    expect(hashUniform(seed, 1, 2, 3, 4)).toBe(hashUniform(seed, 1, 2, 3, 4));
    const bins = new Array<number>(10).fill(0);
    let outside = 0;
    for (let i = 0; i < 100_000; i++) {
      const u = hashUniform(seed, i, 7, 0, 0);
      if (!(u >= 0 && u < 1)) outside++;
      else bins[Math.floor(u * 10)]!++;
    }
    expect(outside).toBe(0);
    for (const b of bins) expect(Math.abs(b / 100_000 - 0.1)).toBeLessThan(0.006);
  });

  it('changes with every argument and the seed', () => {
    const seed = hashSeed('y');
    const base = hashUniform(seed, 5, 6, 7, 8);
    expect(hashUniform(seed, 6, 6, 7, 8)).not.toBe(base);
    expect(hashUniform(seed, 5, 7, 7, 8)).not.toBe(base);
    expect(hashUniform(seed, 5, 6, 8, 8)).not.toBe(base);
    expect(hashUniform(seed, 5, 6, 7, 9)).not.toBe(base);
    expect(hashUniform(hashSeed('z'), 5, 6, 7, 8)).not.toBe(base);
  });

  it('separates string and number seeds', () => {
    expect(hashSeed(1)).not.toBe(hashSeed('1'));
  });
});
