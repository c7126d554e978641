const MICRO_PER_USD = 1_000_000n;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A plain decimal, optionally with an exponent: `2.5`, `.5`, `3.`, `1e-7`, `2.5E+3`. */
const DECIMAL = /^\+?(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i;

/**
 * Exact decimal-string (or number) USD -> integer micro-USD without float error:
 * `'2.5'` → 2_500_000, `'0.000001'` → 1.
 *
 * Decisions:
 * - More than 6 decimals round half-up at the 6th: `'0.0000005'` → 1, `'0.00000049'` → 0.
 * - Exponents are accepted and applied exactly: `'1e-7'` → 0, `'5e-7'` → 1, `'2.5e3'` →
 *   2_500_000_000. (A JavaScript number is converted through `String(n)`, its shortest
 *   round-trip decimal, which uses exponents below 1e-6; so `0.1` → 100_000, not the binary
 *   0.1000000000000000055…)
 * - Negative amounts are rejected with RangeError: prices and budgets are never negative.
 *   `'-0'` is 0. A leading `+` and surrounding whitespace are allowed.
 * - NaN, ±Infinity, empty strings, hex, separators (`1_000`, `1,000`) and a result above
 *   `Number.MAX_SAFE_INTEGER` micro-USD (about USD 9 billion) are rejected with RangeError.
 */
export function usdToMicroUsd(usd: string | number): number {
  if (typeof usd === 'number' && !Number.isFinite(usd)) {
    throw new RangeError(`USD amount must be finite, got ${usd}`);
  }
  const text = (typeof usd === 'number' ? String(usd) : usd).trim();
  const negative = text.startsWith('-');
  const match = DECIMAL.exec(negative ? text.slice(1) : text);
  const whole = match?.[1] ?? '';
  const fraction = match?.[2] ?? '';
  if (match === null || (whole === '' && fraction === '') || (negative && text[1] === '+')) {
    throw new RangeError(`not a decimal USD amount: ${JSON.stringify(text)}`);
  }
  const digits = (whole + fraction).replace(/^0+/, '');
  if (digits === '') return 0;
  if (negative) throw new RangeError(`USD amount must not be negative, got ${text}`);

  // value = digits · 10^(exponent − fraction.length); micro = value · 10^6.
  const exponent = Number(match[3] ?? '0');
  const shift = exponent - fraction.length + 6;
  let micro: bigint;
  if (shift >= 0) {
    // digits is at least 1, so 10^shift alone past 2^53 means overflow; skip the huge power.
    if (shift > 16) throw new RangeError(`USD amount too large: ${text}`);
    micro = BigInt(digits) * 10n ** BigInt(shift);
  } else if (-shift > digits.length) {
    micro = 0n; // below 0.1 micro-USD, which rounds to 0
  } else {
    const divisor = 10n ** BigInt(-shift);
    const value = BigInt(digits);
    micro = value / divisor;
    if ((value % divisor) * 2n >= divisor) micro += 1n;
  }
  if (micro > MAX_SAFE) throw new RangeError(`USD amount too large: ${text}`);
  return Number(micro);
}

/**
 * Integer micro-USD -> decimal USD string with 6 decimals, e.g. 1234 -> '0.001234'; negative
 * allowed with '-'. Exact (integer math, no floats). Accepts a `bigint` too (Postgres `bigint`
 * columns), which may exceed 2^53.
 *
 * @throws RangeError if a number is not a safe integer.
 */
export function formatMicroUsd(micro: number | bigint): string {
  if (typeof micro === 'number' && !Number.isSafeInteger(micro)) {
    throw new RangeError(`micro-USD must be a safe integer, got ${micro}`);
  }
  const value = BigInt(micro);
  const magnitude = value < 0n ? -value : value;
  const whole = magnitude / MICRO_PER_USD;
  const fraction = (magnitude % MICRO_PER_USD).toString().padStart(6, '0');
  return `${value < 0n ? '-' : ''}${whole}.${fraction}`;
}
