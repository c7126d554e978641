import type { MetricsGroupBy } from '@stilts/admin-contract';
import { resolveTimeRange, type TimeRangeSelection } from '../time/time-range';
import { adminQuery } from './queries';

/**
 * `GET /metrics` options for a range selection. The window is worked out at fetch time, so a
 * "last hour" view moves forward on every refresh; the key is the selection as in the URL.
 */
export function metricsQuery(
  selection: TimeRangeSelection,
  groupBy: MetricsGroupBy,
  filters: { readonly route?: string } = {},
) {
  return adminQuery(
    'metrics',
    () => {
      const range = resolveTimeRange(selection, Date.now());
      return {
        query: {
          from: new Date(range.from).toISOString(),
          to: new Date(range.to).toISOString(),
          resolution: range.resolution,
          groupBy,
          ...filters,
        },
      };
    },
    { selection, groupBy, ...filters },
  );
}
