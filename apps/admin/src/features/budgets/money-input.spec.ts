import { describe, expect, it } from '@jest/globals';
import { microToUsdInput, parseUsdToMicro } from './money-input';

describe('parseUsdToMicro', () => {
  it('reads dollars into integer micro-USD without float error', () => {
    expect(parseUsdToMicro('12.5')).toBe(12_500_000);
    expect(parseUsdToMicro('$1,234.56')).toBe(1_234_560_000);
    expect(parseUsdToMicro('0.000001')).toBe(1);
    expect(parseUsdToMicro('0.29')).toBe(290_000);
  });
  it('refuses what is not an amount', () => {
    expect(parseUsdToMicro('')).toBeNull();
    expect(parseUsdToMicro('-3')).toBeNull();
    expect(parseUsdToMicro('1.0000001')).toBeNull();
    expect(parseUsdToMicro('ten')).toBeNull();
  });
  it('round-trips through the input text', () => {
    for (const micro of [0, 1, 290_000, 12_500_000, 1_234_560_000]) {
      expect(parseUsdToMicro(microToUsdInput(micro))).toBe(micro);
    }
    expect(microToUsdInput(12_500_000)).toBe('12.5');
  });
});
