import { describe, expect, it } from '@jest/globals';
import {
  formatCompactDateTime,
  formatCount,
  formatMicroUsd,
  formatMs,
  formatPercent,
  formatTick,
  formatValue,
} from './format';

describe('formatMicroUsd', () => {
  it('shows dollars with cents, grouped', () => {
    expect(formatMicroUsd(1_234_560_000)).toBe('$1,234.56');
    expect(formatMicroUsd(0)).toBe('$0.00');
  });
  it('keeps fractions of a cent visible', () => {
    expect(formatMicroUsd(4_200)).toBe('$0.0042');
    expect(formatMicroUsd(12)).toBe('$0.000012');
    expect(formatMicroUsd(123_400)).toBe('$0.1234');
  });
  it('signs negative amounts before the dollar', () => {
    expect(formatMicroUsd(-2_500_000)).toBe('-$2.50');
  });
});

describe('formatMs', () => {
  it('uses ms, seconds and minutes', () => {
    expect(formatMs(850.4)).toBe('850 ms');
    expect(formatMs(1_250)).toBe('1.25 s');
    expect(formatMs(12_340)).toBe('12.3 s');
    expect(formatMs(125_000)).toBe('2 min 5 s');
    expect(formatMs(120_000)).toBe('2 min');
  });
  it('is a dash for non-numbers', () => {
    expect(formatMs(Number.NaN)).toBe('—');
  });
});

describe('formatPercent and formatCount', () => {
  it('formats ratios as percentages without trailing zeros', () => {
    expect(formatPercent(0.9995)).toBe('99.95 %');
    expect(formatPercent(0.5)).toBe('50 %');
    expect(formatPercent(0.12345, 1)).toBe('12.3 %');
  });
  it('abbreviates large counts', () => {
    expect(formatCount(3)).toBe('3');
    expect(formatCount(2.345)).toBe('2.35');
    expect(formatCount(9_999)).toBe('9,999');
    expect(formatCount(12_345)).toBe('12.3k');
    expect(formatCount(4_560_000)).toBe('4.6M');
  });
});

describe('formatValue and formatTick', () => {
  it('dispatches on the unit, with a dash for missing values', () => {
    expect(formatValue('perMinute', 12)).toBe('12/min');
    expect(formatValue('microUsd', 1_500_000)).toBe('$1.50');
    expect(formatValue('ms', null)).toBe('—');
    expect(formatValue('weight', 0.333)).toBe('33.3 %');
  });
  it('keeps ticks short', () => {
    expect(formatTick('microUsd', 2_000_000)).toBe('$2');
    expect(formatTick('microUsd', 5_000)).toBe('$0.005');
    expect(formatTick('ms', 1_500)).toBe('1.5s');
    expect(formatTick('ms', 250)).toBe('250ms');
    expect(formatTick('percent', 0.99)).toBe('99%');
  });
});

describe('formatCompactDateTime', () => {
  const now = new Date(2026, 10, 24, 15, 0).getTime();
  it('shows the clock today, the date and clock this year, the date before', () => {
    expect(formatCompactDateTime(new Date(2026, 10, 24, 9, 5, 7).getTime(), now)).toBe('09:05:07');
    expect(formatCompactDateTime(new Date(2026, 10, 23, 9, 5).getTime(), now)).toBe('23 Nov 09:05');
    expect(formatCompactDateTime(new Date(2025, 0, 2).getTime(), now)).toBe('02 Jan 2025');
    expect(formatCompactDateTime('nonsense', now)).toBe('—');
  });
});
