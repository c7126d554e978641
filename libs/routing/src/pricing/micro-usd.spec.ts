import { describe, expect, it } from '@jest/globals';
import { createSeededRng } from '../rng.js';
import { formatMicroUsd, usdToMicroUsd } from './micro-usd.js';

describe('usdToMicroUsd', () => {
  it.each([
    ['2.5', 2_500_000],
    ['2.50', 2_500_000],
    ['0.000001', 1],
    ['0', 0],
    ['0.0', 0],
    ['000.000000', 0],
    ['15', 15_000_000],
    ['3.', 3_000_000],
    ['.5', 500_000],
    ['+1.25', 1_250_000],
    [' 0.15 ', 150_000],
    ['0.075', 75_000],
    ['123456.789012', 123_456_789_012],
    ['-0', 0],
    ['-0.000', 0],
    ['9007199254.740991', Number.MAX_SAFE_INTEGER],
  ])('converts %p exactly to %p', (usd, micro) => {
    expect(usdToMicroUsd(usd)).toBe(micro);
  });

  it.each([
    ['0.0000005', 1],
    ['0.00000049', 0],
    ['0.000000499999999999', 0],
    ['0.0000015', 2],
    ['0.0000025', 3],
    ['1.9999995', 2_000_000],
    ['2.4999994', 2_499_999],
    ['0.00000050000', 1],
  ])('rounds %p half-up to %p micro-USD', (usd, micro) => {
    expect(usdToMicroUsd(usd)).toBe(micro);
  });

  it.each([
    ['1e-7', 0],
    ['5e-7', 1],
    ['1e-6', 1],
    ['0.5e-5', 5],
    ['2.5e3', 2_500_000_000],
    ['2.5E+3', 2_500_000_000],
    ['25e-1', 2_500_000],
    ['0e999999999', 0],
    ['1e-999999999', 0],
  ])('applies the exponent in %p exactly: %p', (usd, micro) => {
    expect(usdToMicroUsd(usd)).toBe(micro);
  });

  it.each([
    [2.5, 2_500_000],
    [0.1, 100_000],
    [0.1 + 0.2, 300_000],
    [1e-7, 0],
    [5e-7, 1],
    [1e-6, 1],
    [0.000015, 15],
    [1.005, 1_005_000],
    [-0, 0],
    [1234, 1_234_000_000],
  ])('converts the number %p through its shortest decimal to %p', (usd, micro) => {
    expect(usdToMicroUsd(usd)).toBe(micro);
  });

  it('does not suffer float error where naive multiplication does', () => {
    // 1.005 * 1e6 = 1004999.9999999999 in binary floating point.
    expect(Math.floor(1.005 * 1e6)).toBe(1_004_999);
    expect(usdToMicroUsd('1.005')).toBe(1_005_000);
    expect(usdToMicroUsd('4.35')).toBe(4_350_000);
  });

  it.each([
    '-1',
    '-0.5',
    '-1e-7',
    '',
    '   ',
    '.',
    '+',
    '-',
    'e5',
    '.e5',
    '1e',
    'abc',
    '1,000',
    '1_000',
    '0x10',
    '1.2.3',
    '+-1',
    '-+1',
    '++1',
    '--1',
    'Infinity',
    'NaN',
    '$2.50',
    '2.5 USD',
    '9007199254.740992',
    '1e30',
    '1e16',
  ])('rejects %p with a RangeError', (usd) => {
    expect(() => usdToMicroUsd(usd)).toThrow(RangeError);
  });

  it.each([-1, -0.000001, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e21])(
    'rejects the number %p with a RangeError',
    (usd) => {
      expect(() => usdToMicroUsd(usd)).toThrow(RangeError);
    },
  );
});

describe('formatMicroUsd', () => {
  it.each([
    [1234, '0.001234'],
    [0, '0.000000'],
    [-0, '0.000000'],
    [1, '0.000001'],
    [999_999, '0.999999'],
    [1_000_000, '1.000000'],
    [2_500_000, '2.500000'],
    [-1, '-0.000001'],
    [-2_500_001, '-2.500001'],
    [Number.MAX_SAFE_INTEGER, '9007199254.740991'],
    [Number.MIN_SAFE_INTEGER, '-9007199254.740991'],
  ])('formats %p as %p', (micro, text) => {
    expect(formatMicroUsd(micro)).toBe(text);
  });

  it('formats bigints beyond 2^53 exactly', () => {
    expect(formatMicroUsd(10n ** 20n + 7n)).toBe('100000000000000.000007');
    expect(formatMicroUsd(-(2n ** 64n))).toBe('-18446744073709.551616');
  });

  it.each([1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])('rejects %p', (micro) => {
    expect(() => formatMicroUsd(micro)).toThrow(RangeError);
  });

  it('round-trips through usdToMicroUsd', () => {
    const rng = createSeededRng('money');
    for (let i = 0; i < 1_000; i++) {
      const micro = Math.floor(rng.next() * 10 ** Math.floor(rng.next() * 16));
      expect(usdToMicroUsd(formatMicroUsd(micro))).toBe(micro);
    }
  });
});
