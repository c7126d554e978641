import { ROLLUP_MINUTE_MS, type RollupInput } from './rollup-input.js';

/**
 * A route's request rate from its minute rollups, for pacing when the caller has no better
 * count: attempts in the last `minutes` complete minutes, divided by `minutes`,
 *
 *     rate = Σ attempts over minutes [m₀ − k, m₀) / k,   m₀ = ⌊now / 1 min⌋,
 *
 * the still-filling minute excluded. Attempts include failovers, so this slightly overstates
 * requests (by the retry rate): a conservative error for a budget.
 *
 * @throws RangeError if minutes is not an integer >= 1.
 */
export function requestsPerMinuteFromRollups(
  rows: Iterable<RollupInput>,
  nowMs: number,
  minutes = 5,
): number {
  if (!(Number.isSafeInteger(minutes) && minutes >= 1)) {
    throw new RangeError(`minutes must be an integer >= 1, got ${minutes}`);
  }
  const end = Math.floor(nowMs / ROLLUP_MINUTE_MS) * ROLLUP_MINUTE_MS;
  const start = end - minutes * ROLLUP_MINUTE_MS;
  let attempts = 0;
  for (const row of rows) {
    if (row.minute >= start && row.minute < end) attempts += row.attempts;
  }
  return attempts / minutes;
}
