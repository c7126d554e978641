import { describe, expect, it } from '@jest/globals';
import {
  DEFAULT_MAX_DEPLOYMENT_COOLDOWN_MS,
  deploymentCooldownUntil,
  headerLookup,
  parseHttpDate,
  parseRetryAfter,
  type HeaderLookup,
} from './retry-after.js';

const NOW = Date.UTC(2024, 0, 1, 0, 0, 0); // Mon, 01 Jan 2024 00:00:00 GMT

function headers(values: Record<string, string>): HeaderLookup {
  return (name) => values[name];
}

describe('headerLookup', () => {
  it('reads fetch Headers', () => {
    const lookup = headerLookup(new Headers({ 'Retry-After': '3' }));
    expect(lookup('retry-after')).toBe('3');
    expect(lookup('retry-after-ms')).toBeUndefined();
  });

  it('reads a plain record case-insensitively', () => {
    const lookup = headerLookup({ 'Retry-After': '3', 'x-other': undefined });
    expect(lookup('retry-after')).toBe('3');
    expect(lookup('RETRY-AFTER')).toBe('3');
    expect(lookup('x-other')).toBeUndefined();
    expect(lookup('missing')).toBeUndefined();
  });

  it('joins repeated values and stringifies numbers', () => {
    const lookup = headerLookup({ 'set-cookie': ['a=1', 'b=2'], 'content-length': 42 });
    expect(lookup('set-cookie')).toBe('a=1, b=2');
    expect(lookup('content-length')).toBe('42');
  });

  it('treats a header named "get" in a record as a header, not a method', () => {
    expect(headerLookup({ get: 'x' })('get')).toBe('x');
  });
});

describe('parseRetryAfter', () => {
  it('returns undefined without either header', () => {
    expect(parseRetryAfter(headers({}), NOW)).toBeUndefined();
  });

  it.each([
    ['1500', 1_500],
    ['0', 0],
    ['1500.75', 1_500.75],
    ['.5', 0.5],
    [' 20 ', 20],
  ])('reads retry-after-ms %p as %p ms', (value, expected) => {
    expect(parseRetryAfter(headers({ 'retry-after-ms': value }), NOW)).toBe(expected);
  });

  it('prefers retry-after-ms over retry-after', () => {
    expect(parseRetryAfter(headers({ 'retry-after-ms': '250', 'retry-after': '10' }), NOW)).toBe(
      250,
    );
  });

  it.each(['-5', 'abc', '', '1e3', '+5', 'Infinity', '12ms'])(
    'falls back to retry-after when retry-after-ms is %p',
    (value) => {
      expect(parseRetryAfter(headers({ 'retry-after-ms': value, 'retry-after': '2' }), NOW)).toBe(
        2_000,
      );
      expect(parseRetryAfter(headers({ 'retry-after-ms': value }), NOW)).toBeUndefined();
    },
  );

  it.each([
    ['120', 120_000],
    ['0', 0],
    ['1.5', 1_500],
    [' 7 ', 7_000],
    ['99999999999', 99_999_999_999_000],
  ])('reads delta-seconds %p as %p ms', (value, expected) => {
    expect(parseRetryAfter(headers({ 'retry-after': value }), NOW)).toBe(expected);
  });

  it.each([
    '-1',
    '-0.5',
    'soon',
    '',
    '   ',
    '1e3',
    '0x10',
    'Infinity',
    'NaN',
    '12abc',
    '1,5',
    '120, 120',
    '9'.repeat(400),
    '2024-01-01T00:00:30Z',
    'Mon, 01 Jan 2024 00:00:30 PST',
    'Mon, 01 Jan 2024 00:00:30',
    'Mon, 32 Jan 2024 00:00:30 GMT',
    'Mon, 31 Feb 2024 00:00:30 GMT',
    'Mon, 01 Foo 2024 00:00:30 GMT',
    'Mon, 01 Jan 2024 24:00:00 GMT',
    'Mon, 01 Jan 2024 23:60:00 GMT',
    'Mon, 00 Jan 2024 00:00:30 GMT',
    'Mon, 01 Jan 24 00:00:30 GMT',
    'Funday, 01-Jan-24 00:00:30 GMT',
  ])('ignores an invalid retry-after %p', (value) => {
    expect(parseRetryAfter(headers({ 'retry-after': value }), NOW)).toBeUndefined();
  });

  it('reads an IMF-fixdate relative to now', () => {
    expect(parseRetryAfter(headers({ 'retry-after': 'Mon, 01 Jan 2024 00:00:30 GMT' }), NOW)).toBe(
      30_000,
    );
    expect(
      parseRetryAfter(headers({ 'retry-after': 'Mon, 01 Jan 2024 00:00:30 GMT' }), NOW + 10_000),
    ).toBe(20_000);
  });

  it('reads an HTTP-date in the past, or exactly now, as 0', () => {
    expect(parseRetryAfter(headers({ 'retry-after': 'Sun, 31 Dec 2023 23:59:00 GMT' }), NOW)).toBe(
      0,
    );
    expect(parseRetryAfter(headers({ 'retry-after': 'Mon, 01 Jan 2024 00:00:00 GMT' }), NOW)).toBe(
      0,
    );
  });

  it('reads the obsolete RFC 850 and asctime forms', () => {
    expect(parseRetryAfter(headers({ 'retry-after': 'Monday, 01-Jan-24 00:01:00 GMT' }), NOW)).toBe(
      60_000,
    );
    expect(parseRetryAfter(headers({ 'retry-after': 'Mon Jan  1 00:00:10 2024' }), NOW)).toBe(
      10_000,
    );
  });

  it('rejects a non-finite now', () => {
    expect(() => parseRetryAfter(headers({ 'retry-after': '1' }), Number.NaN)).toThrow(RangeError);
  });
});

describe('parseHttpDate', () => {
  const rfcExample = Date.UTC(1994, 10, 6, 8, 49, 37);

  it.each([
    'Sun, 06 Nov 1994 08:49:37 GMT',
    'Sunday, 06-Nov-94 08:49:37 GMT',
    'Sun Nov  6 08:49:37 1994',
    'sun, 06 nov 1994 08:49:37 gmt',
    'Sun, 6 Nov 1994 08:49:37 GMT',
    'Wed, 06 Nov 1994 08:49:37 GMT', // wrong day name: tolerated
  ])('reads the RFC 9110 example in the form %p', (value) => {
    expect(parseHttpDate(value, Date.UTC(2000, 0, 1))).toBe(rfcExample);
  });

  it('validates leap days', () => {
    expect(parseHttpDate('Thu, 29 Feb 2024 12:00:00 GMT', NOW)).toBe(Date.UTC(2024, 1, 29, 12));
    expect(parseHttpDate('Wed, 29 Feb 2023 12:00:00 GMT', NOW)).toBeUndefined();
  });

  it('accepts a leap second as the next second', () => {
    expect(parseHttpDate('Sat, 31 Dec 2016 23:59:60 GMT', NOW)).toBe(Date.UTC(2017, 0, 1));
  });

  it('reads four-digit years below 100 literally', () => {
    expect(parseHttpDate('Mon, 01 Jan 0050 00:00:00 GMT', NOW)).toBe(
      new Date('0050-01-01T00:00:00Z').getTime(),
    );
  });

  it('reads a two-digit RFC 850 year within 50 years ahead of now, else in the past century', () => {
    // now is 2024: 74 -> 2074 (50 years ahead), 75 -> 1975 (51 years ahead would be too far).
    expect(parseHttpDate('Sunday, 01-Jan-74 00:00:00 GMT', NOW)).toBe(Date.UTC(2074, 0, 1));
    expect(parseHttpDate('Tuesday, 01-Jan-75 00:00:00 GMT', NOW)).toBe(Date.UTC(1975, 0, 1));
    expect(parseHttpDate('Saturday, 01-Jan-00 00:00:00 GMT', NOW)).toBe(Date.UTC(2000, 0, 1));
  });

  it('rejects strings that are not HTTP-dates', () => {
    expect(parseHttpDate('2024-01-01', NOW)).toBeUndefined();
    expect(parseHttpDate('1', NOW)).toBeUndefined();
    expect(parseHttpDate('Sun, 06 Nov 1994 08:49 GMT', NOW)).toBeUndefined();
  });
});

describe('deploymentCooldownUntil', () => {
  it('returns undefined without a Retry-After, or with a zero one', () => {
    expect(deploymentCooldownUntil(NOW, undefined)).toBeUndefined();
    expect(deploymentCooldownUntil(NOW, 0)).toBeUndefined();
  });

  it('skips the deployment until now + Retry-After', () => {
    expect(deploymentCooldownUntil(NOW, 1_500)).toBe(NOW + 1_500);
    expect(deploymentCooldownUntil(NOW, 0.5)).toBe(NOW + 0.5);
  });

  it('caps the pause at 5 minutes by default, or at the given maximum', () => {
    expect(DEFAULT_MAX_DEPLOYMENT_COOLDOWN_MS).toBe(300_000);
    expect(deploymentCooldownUntil(NOW, 86_400_000)).toBe(NOW + 300_000);
    expect(deploymentCooldownUntil(NOW, 300_000)).toBe(NOW + 300_000);
    expect(deploymentCooldownUntil(NOW, Number.POSITIVE_INFINITY)).toBe(NOW + 300_000);
    expect(deploymentCooldownUntil(NOW, 86_400_000, 60_000)).toBe(NOW + 60_000);
    expect(deploymentCooldownUntil(NOW, 5_000, 0)).toBeUndefined();
  });

  it.each([
    [Number.NaN, 1_000, undefined],
    [NOW, -1, undefined],
    [NOW, Number.NaN, undefined],
    [NOW, 1_000, -1],
  ])('rejects now=%p, retryAfterMs=%p, maxMs=%p', (now, retryAfterMs, maxMs) => {
    expect(() => deploymentCooldownUntil(now, retryAfterMs, maxMs)).toThrow(RangeError);
  });
});
