// Small statistics for benchmark figures.

/** The median of the numbers (the mean of the middle two for an even count); NaN when empty. */
export function median(values) {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The q-quantile (0..1) by nearest rank of the sorted values; NaN when empty. */
export function quantile(values, q) {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}

/** (value - base) / base, e.g. 0.031 for 3.1 % more than base. */
export function relativeChange(value, base) {
  return (value - base) / base;
}

/** (max - min) / mid: how far the values spread, relative to `mid` (e.g. their median). */
export function relativeRange(values, mid) {
  return (Math.max(...values) - Math.min(...values)) / mid;
}

export function sum(values) {
  let total = 0;
  for (const v of values) total += v;
  return total;
}
