import type { ChartData, ChartRow, ChartUnits } from './chart-types';
import { formatValue } from './format';

/**
 * A sentence per series for screen readers (the chart itself is an image to them): its latest
 * value and its peak over the range, e.g. `sim-a: latest 12/min, peak 20/min`.
 */
export function describeChart(data: ChartData, units: ChartUnits): string {
  if (data.rows.length === 0 || data.series.length === 0) return 'No data in this range.';
  return data.series
    .map((s) => {
      const unit = s.axis === 'right' ? (units.right ?? units.left) : units.left;
      const values = data.rows
        .map((r) => r[s.key])
        .filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
      if (values.length === 0) return `${s.label}: no data`;
      const latest = values[values.length - 1] ?? null;
      const peak = Math.max(...values);
      return `${s.label}: latest ${formatValue(unit, latest)}, peak ${formatValue(unit, peak)}`;
    })
    .join('; ');
}

/** Whether a chart has anything to draw: some series with a non-zero value. */
export function hasData(data: ChartData): boolean {
  return data.series.some((s) =>
    data.rows.some((r) => {
      const v = r[s.key];
      return typeof v === 'number' && v !== 0;
    }),
  );
}

/**
 * Whether a series has a value with no value on either side: a line draws nothing there (the
 * gaps are not bridged), so the chart marks such points with dots.
 */
export function hasIsolatedPoints(rows: readonly ChartRow[], key: string): boolean {
  const present = (i: number): boolean => {
    const v = rows[i]?.[key];
    return typeof v === 'number' && Number.isFinite(v);
  };
  return rows.some((_, i) => present(i) && !present(i - 1) && !present(i + 1));
}
