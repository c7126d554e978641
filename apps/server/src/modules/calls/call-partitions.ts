const DAY_MS = 86_400_000;

/** `call_records_pYYYYMMDD` for the UTC day that contains `dayStartMs`. */
export function partitionName(dayStartMs: number): string {
  const d = new Date(dayStartMs);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `call_records_p${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`;
}

/** Start of the UTC day containing `ms`. */
export function utcDayStart(ms: number): number {
  return ms - (((ms % DAY_MS) + DAY_MS) % DAY_MS);
}

/** The UTC days (their starts) whose partitions should exist: today - 1 through today + ahead. */
export function daysToEnsure(nowMs: number, aheadDays: number): number[] {
  const today = utcDayStart(nowMs);
  const days: number[] = [];
  for (let i = -1; i <= aheadDays; i++) days.push(today + i * DAY_MS);
  return days;
}

/** Parses a partition name back into its day start, or undefined when it is not one of ours. */
export function partitionDay(name: string): number | undefined {
  const m = /^call_records_p(\d{4})(\d{2})(\d{2})$/.exec(name);
  if (!m) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return partitionName(ms) === name ? ms : undefined;
}

/**
 * True when every record the partition of day `dayStartMs` can hold is older than the
 * retention window: its range ends at or before `now - retentionDays`.
 */
export function isExpired(dayStartMs: number, nowMs: number, retentionDays: number): boolean {
  return dayStartMs + DAY_MS <= nowMs - retentionDays * DAY_MS;
}
