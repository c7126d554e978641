import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import {
  parseTimeRange,
  withTimeRange,
  type RangePreset,
  type TimeRangeSelection,
} from './time-range';

/** The view's time range from the URL, and a setter that writes it back (one history entry). */
export function useTimeRange(
  fallback: RangePreset = '1h',
): [TimeRangeSelection, (next: TimeRangeSelection) => void] {
  const [params, setParams] = useSearchParams();
  const key = params.toString();
  // Keyed by the query string: `params` is a new object on every render.
  const selection = useMemo(
    () => parseTimeRange(new URLSearchParams(key), fallback),
    [key, fallback],
  );
  const set = useCallback(
    (next: TimeRangeSelection) => setParams((current) => withTimeRange(current, next)),
    [setParams],
  );
  return [selection, set];
}
