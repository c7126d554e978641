import type { Unit } from './format';

/** One row of a time-series chart: `t` (ms since the epoch) and a value per series key. */
export type ChartRow = { readonly t: number } & Readonly<Record<string, number | null>>;

/** How one series is drawn. */
export interface ChartSeries {
  /** The row field holding its values. */
  readonly key: string;
  readonly label: string;
  readonly color: string;
  /** `area` series sharing a `stackId` are stacked. */
  readonly kind: 'line' | 'area';
  readonly stackId?: string;
  /** Left (the chart's main unit) or right (the second axis). */
  readonly axis: 'left' | 'right';
  readonly dashed?: boolean;
  /** Draw steps (a value that holds until the next point), not slopes. */
  readonly step?: boolean;
}

/** A vertical line at an instant, e.g. where an override happened. */
export interface ChartMarker {
  readonly t: number;
  readonly label: string;
  readonly color: string;
}

/** Everything a {@link ChartSeries} chart needs, as the pure adapters produce it. */
export interface ChartData {
  readonly rows: ChartRow[];
  readonly series: ChartSeries[];
  /** The x domain: the requested range, so an empty stretch still shows as empty time. */
  readonly domain: readonly [number, number];
  readonly markers: ChartMarker[];
}

/** Units of the two axes. */
export interface ChartUnits {
  readonly left: Unit;
  readonly right?: Unit;
}
