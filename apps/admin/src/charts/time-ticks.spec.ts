import { describe, expect, it } from '@jest/globals';
import { formatTimeTick, timeTicks } from './time-ticks';

const local = (h: number, m = 0, s = 0, day = 24): number =>
  new Date(2026, 10, day, h, m, s).getTime();

describe('timeTicks', () => {
  it('puts an hour’s ticks on round quarter hours', () => {
    const { ticks, stepMs } = timeTicks(local(9, 7), local(10, 7));
    expect(stepMs).toBe(15 * 60_000);
    expect(ticks).toEqual([local(9, 15), local(9, 30), local(9, 45), local(10, 0)]);
  });
  it('uses seconds for a short range and days for a week', () => {
    expect(timeTicks(local(9, 0, 3), local(9, 1, 3)).stepMs).toBe(15_000);
    const week = timeTicks(local(12, 0, 0, 17), local(12, 0, 0, 24));
    expect(week.stepMs).toBe(2 * 86_400_000);
    expect(week.ticks.length).toBeGreaterThanOrEqual(3);
    for (const t of week.ticks) expect(new Date(t).getHours()).toBe(0);
  });
  it('never gives more ticks than asked for', () => {
    for (const span of [5_000, 61_000, 3_600_000, 86_400_000, 40 * 86_400_000]) {
      expect(timeTicks(0, span, 6).ticks.length).toBeLessThanOrEqual(6);
    }
    expect(timeTicks(10, 10).ticks).toEqual([]);
  });
});

describe('formatTimeTick', () => {
  it('labels by the step', () => {
    expect(formatTimeTick(local(9, 15, 30), 15_000, 60_000)).toBe('09:15:30');
    expect(formatTimeTick(local(9, 15), 15 * 60_000, 3_600_000)).toBe('09:15');
    expect(formatTimeTick(local(6), 6 * 3_600_000, 2 * 86_400_000)).toBe('24 Nov 06:00');
    expect(formatTimeTick(local(0), 86_400_000, 7 * 86_400_000)).toBe('24 Nov');
  });
});
