/** The budget and spend-cap periods: UTC calendar day, ISO week (from Monday) and month. */
export type UtcPeriod = 'day' | 'week' | 'month';

/** [start, end) of the UTC calendar period containing `nowMs`, in ms since the epoch. */
export function periodBounds(period: UtcPeriod, nowMs: number): { start: number; end: number } {
  const d = new Date(nowMs);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const day = d.getUTCDate();
  switch (period) {
    case 'day':
      return { start: Date.UTC(y, m, day), end: Date.UTC(y, m, day + 1) };
    case 'week': {
      const sinceMonday = (d.getUTCDay() + 6) % 7;
      return {
        start: Date.UTC(y, m, day - sinceMonday),
        end: Date.UTC(y, m, day - sinceMonday + 7),
      };
    }
    case 'month':
      return { start: Date.UTC(y, m, 1), end: Date.UTC(y, m + 1, 1) };
  }
}
