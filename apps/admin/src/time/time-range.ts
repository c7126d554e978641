import { MAX_POINTS_PER_SERIES, RESOLUTION_MS, type Resolution } from '@stilts/admin-contract';

/**
 * The time range of a view, as it lives in the URL: `?range=1h|24h|7d` (a window ending now,
 * which moves on every refresh) or `?range=custom&from=<ISO>&to=<ISO>` (fixed).
 */
export type RangePreset = '1h' | '24h' | '7d';
export type TimeRangeSelection =
  | { readonly kind: 'preset'; readonly preset: RangePreset }
  | { readonly kind: 'custom'; readonly from: number; readonly to: number };

export const RANGE_PRESETS: readonly { readonly value: RangePreset; readonly label: string }[] = [
  { value: '1h', label: 'Last hour' },
  { value: '24h', label: 'Last 24 hours' },
  { value: '7d', label: 'Last 7 days' },
];

const PRESET_MS: Readonly<Record<RangePreset, number>> = {
  '1h': 3_600_000,
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
};

/** A concrete window: `from` inclusive, `to` exclusive, ms since the epoch. */
export interface ResolvedRange {
  readonly from: number;
  readonly to: number;
  readonly resolution: Resolution;
}

function isPreset(value: string | null): value is RangePreset {
  return value === '1h' || value === '24h' || value === '7d';
}

/**
 * Reads the selection from search params; anything missing or malformed falls back to
 * `fallback` (a bad link shows the default view rather than an error).
 */
export function parseTimeRange(
  params: URLSearchParams,
  fallback: RangePreset = '1h',
): TimeRangeSelection {
  const range = params.get('range');
  if (range === 'custom') {
    const from = Date.parse(params.get('from') ?? '');
    const to = Date.parse(params.get('to') ?? '');
    if (Number.isFinite(from) && Number.isFinite(to) && from < to) {
      return { kind: 'custom', from, to };
    }
  }
  return { kind: 'preset', preset: isPreset(range) ? range : fallback };
}

/** Writes the selection into a copy of `params`, keeping every other parameter. */
export function withTimeRange(
  params: URLSearchParams,
  selection: TimeRangeSelection,
): URLSearchParams {
  const next = new URLSearchParams(params);
  if (selection.kind === 'preset') {
    next.set('range', selection.preset);
    next.delete('from');
    next.delete('to');
  } else {
    next.set('range', 'custom');
    next.set('from', new Date(selection.from).toISOString());
    next.set('to', new Date(selection.to).toISOString());
  }
  return next;
}

/**
 * The finest resolution whose point count the API accepts for a span, preferring minutes up
 * to 6 hours (a readable per-minute line) and hours up to the hour limit.
 */
export function resolutionFor(spanMs: number): Resolution {
  if (spanMs <= 6 * 3_600_000) return 'minute';
  if (spanMs / RESOLUTION_MS.hour <= MAX_POINTS_PER_SERIES.hour) return 'hour';
  return 'day';
}

/** The concrete window of a selection at `now` (ms). Presets end at `now`. */
export function resolveTimeRange(selection: TimeRangeSelection, now: number): ResolvedRange {
  const [from, to] =
    selection.kind === 'preset'
      ? [now - PRESET_MS[selection.preset], now]
      : [selection.from, selection.to];
  return { from, to, resolution: resolutionFor(to - from) };
}

/** A short label of a selection, e.g. `Last hour` or `24 Nov 10:00 – 25 Nov 10:00`. */
export function describeTimeRange(selection: TimeRangeSelection): string {
  if (selection.kind === 'preset') {
    return RANGE_PRESETS.find((p) => p.value === selection.preset)?.label ?? selection.preset;
  }
  const fmt = (ms: number): string =>
    new Date(ms).toLocaleString('en-GB', {
      day: '2-digit',
      month: 'short',
      hour: '2-digit',
      minute: '2-digit',
    });
  return `${fmt(selection.from)} – ${fmt(selection.to)}`;
}

/** `datetime-local` input value (local time, minutes) of an instant. */
export function toLocalInputValue(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The instant of a `datetime-local` value (local time), or null when it is not one. */
export function fromLocalInputValue(value: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi] = m.map(Number) as [number, number, number, number, number, number];
  const date = new Date(y, mo - 1, d, h, mi);
  return Number.isNaN(date.getTime()) ? null : date.getTime();
}
