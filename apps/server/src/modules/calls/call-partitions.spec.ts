import { describe, expect, it } from '@jest/globals';
import {
  daysToEnsure,
  isExpired,
  partitionDay,
  partitionName,
  utcDayStart,
} from './call-partitions.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 24, 13, 45);

describe('call record partitions', () => {
  it('names a day by its UTC date and parses the name back', () => {
    const day = Date.UTC(2026, 0, 5);
    expect(partitionName(day)).toBe('call_records_p20260105');
    expect(partitionDay('call_records_p20260105')).toBe(day);
  });

  it.each([
    'call_records_default',
    'call_records_p20261399',
    'call_records_p2026010',
    'other_p20260101',
  ])('does not take %s for a daily partition', (name) => {
    expect(partitionDay(name)).toBeUndefined();
  });

  it('floors to the UTC day start', () => {
    expect(utcDayStart(NOW)).toBe(Date.UTC(2026, 10, 24));
    expect(utcDayStart(Date.UTC(2026, 10, 24))).toBe(Date.UTC(2026, 10, 24));
  });

  it('ensures yesterday, today and the days ahead', () => {
    const days = daysToEnsure(NOW, 3);
    expect(days.map(partitionName)).toEqual([
      'call_records_p20261123',
      'call_records_p20261124',
      'call_records_p20261125',
      'call_records_p20261126',
      'call_records_p20261127',
    ]);
  });

  it('expires a day only once all of it is older than the retention window', () => {
    const today = utcDayStart(NOW);
    expect(isExpired(today - 31 * DAY, NOW, 30)).toBe(true);
    // The day 30 days back still holds records younger than 30 days (until its end passes).
    expect(isExpired(today - 30 * DAY, NOW, 30)).toBe(false);
    expect(isExpired(today - 30 * DAY, today - 30 * DAY + DAY + 30 * DAY, 30)).toBe(true);
  });
});
