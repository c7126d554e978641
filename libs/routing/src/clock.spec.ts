import { describe, expect, it } from '@jest/globals';
import { ManualClock } from './clock.js';

describe('ManualClock', () => {
  it('starts at 0 or at the given time', () => {
    expect(new ManualClock().now()).toBe(0);
    expect(new ManualClock(1_700_000_000_000).now()).toBe(1_700_000_000_000);
  });

  it('moves only when advanced or set', () => {
    const clock = new ManualClock(100);
    expect(clock.now()).toBe(100);
    clock.advance(50);
    expect(clock.now()).toBe(150);
    clock.advance(0);
    expect(clock.now()).toBe(150);
    clock.set(1_000);
    expect(clock.now()).toBe(1_000);
    clock.set(1_000);
    expect(clock.now()).toBe(1_000);
  });

  it.each([-1, Number.NaN])('refuses to advance by %p', (ms) => {
    const clock = new ManualClock(10);
    expect(() => clock.advance(ms)).toThrow(RangeError);
    expect(clock.now()).toBe(10);
  });

  it('refuses to go back', () => {
    const clock = new ManualClock(10);
    expect(() => clock.set(9)).toThrow(RangeError);
    expect(clock.now()).toBe(10);
  });
});
