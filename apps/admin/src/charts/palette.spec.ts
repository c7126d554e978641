import { describe, expect, it } from '@jest/globals';
import { PALETTE, colorsFor } from './palette';

describe('colorsFor', () => {
  it('gives each key of a set its own colour, independent of order', () => {
    const keys = ['sim-openai', 'sim-anthropic', 'sim-gemini', 'sim-local'];
    const a = colorsFor(keys);
    const b = colorsFor([...keys].reverse());
    expect(new Set(a.values()).size).toBe(keys.length);
    for (const k of keys) expect(a.get(k)).toBe(b.get(k));
  });
  it('reuses colours only once the palette is exhausted', () => {
    const keys = Array.from({ length: PALETTE.length + 2 }, (_, i) => `k${i}`);
    const colors = colorsFor(keys);
    expect(colors.size).toBe(keys.length);
    expect(new Set(colors.values()).size).toBe(PALETTE.length);
  });
});
