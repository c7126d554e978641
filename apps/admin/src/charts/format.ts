/**
 * Number formatting for the dashboard. Money arrives as integer micro-USD (1 USD = 1,000,000
 * µ$) and latency as milliseconds; these turn them into short, unambiguous labels.
 */

/** What a chart axis or a table cell measures; picks the formatter. */
export type Unit = 'count' | 'perMinute' | 'percent' | 'ms' | 'microUsd' | 'weight' | 'number';

const MICRO = 1_000_000;

/**
 * Micro-USD as dollars: at least two decimals, more for small amounts so that a fraction of a
 * cent stays visible ($0.0042), and thousands grouped ($1,234.56).
 */
export function formatMicroUsd(microUsd: number): string {
  const usd = microUsd / MICRO;
  const abs = Math.abs(usd);
  let digits = 2;
  if (abs !== 0 && abs < 0.01) digits = 6;
  else if (abs !== 0 && abs < 1) digits = 4;
  const text = abs.toLocaleString('en-US', {
    minimumFractionDigits: 2,
    maximumFractionDigits: digits,
  });
  return `${usd < 0 ? '-' : ''}$${text}`;
}

/** Milliseconds: `850 ms` under a second, `1.25 s` under a minute, `2 min 5 s` above. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  const abs = Math.abs(ms);
  if (abs < 1_000) return `${Math.round(ms)} ms`;
  if (abs < 60_000) return `${trim(ms / 1_000, abs < 10_000 ? 2 : 1)} s`;
  const minutes = Math.floor(abs / 60_000);
  const seconds = Math.round((abs % 60_000) / 1_000);
  return `${ms < 0 ? '-' : ''}${minutes} min${seconds ? ` ${seconds} s` : ''}`;
}

/** A ratio in 0..1 as a percentage: `99.95 %`; one decimal when that is enough. */
export function formatPercent(ratio: number, digits = 2): string {
  if (!Number.isFinite(ratio)) return '—';
  return `${trim(ratio * 100, digits)} %`;
}

/** Counts with grouping (`12,345`) and k/M above ten thousand (`12.3k`). */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return '—';
  const abs = Math.abs(n);
  if (abs >= 1_000_000) return `${trim(n / 1_000_000, 1)}M`;
  if (abs >= 10_000) return `${trim(n / 1_000, 1)}k`;
  return trim(n, abs < 10 ? 2 : abs < 100 ? 1 : 0);
}

/** `n`, rounded to at most `digits` decimals without trailing zeros, thousands grouped. */
function trim(n: number, digits: number): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits });
}

/** Formats a value of `unit`; null (no data) is an em dash. */
export function formatValue(unit: Unit, value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  switch (unit) {
    case 'count':
      return formatCount(value);
    case 'perMinute':
      return `${formatCount(value)}/min`;
    case 'percent':
      return formatPercent(value);
    case 'ms':
      return formatMs(value);
    case 'microUsd':
      return formatMicroUsd(value);
    case 'weight':
      return formatPercent(value, 1);
    case 'number':
      return trim(value, 3);
  }
}

/** A short axis tick: like {@link formatValue} but terser for money and latency. */
export function formatTick(unit: Unit, value: number): string {
  switch (unit) {
    case 'microUsd': {
      const usd = value / MICRO;
      if (usd === 0) return '$0';
      if (Math.abs(usd) < 0.01) return `$${trim(usd, 4)}`;
      return `$${trim(usd, 2)}`;
    }
    case 'ms':
      return Math.abs(value) < 1_000 ? `${Math.round(value)}ms` : `${trim(value / 1_000, 1)}s`;
    case 'percent':
    case 'weight':
      return `${trim(value * 100, 0)}%`;
    case 'perMinute':
    case 'count':
      return formatCount(value);
    case 'number':
      return trim(value, 2);
  }
}

/** A full local date and time for tooltips and tables: `24 Nov 2026, 14:05:09`. */
export function formatDateTime(value: string | number): string {
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return '—';
  return d.toLocaleString('en-GB', {
    day: '2-digit',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

/**
 * A short local time for table cells: the clock (`14:05:09`) on the day of `now`, date and
 * clock (`23 Nov 14:05`) within the year, the date (`23 Nov 2025`) before.
 */
export function formatCompactDateTime(value: string | number, now: number): string {
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return '—';
  const today = new Date(now);
  if (d.toDateString() === today.toDateString()) {
    return d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  }
  if (d.getFullYear() === today.getFullYear()) {
    return `${d.toLocaleDateString('en-GB', { day: '2-digit', month: 'short' })} ${d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' })}`;
  }
  return d.toLocaleDateString('en-GB', { day: '2-digit', month: 'short', year: 'numeric' });
}
