import { describe, expect, it } from '@jest/globals';
import {
  describeTimeRange,
  fromLocalInputValue,
  parseTimeRange,
  resolutionFor,
  resolveTimeRange,
  toLocalInputValue,
  withTimeRange,
} from './time-range';

const HOUR = 3_600_000;

describe('parseTimeRange', () => {
  it('reads presets and falls back on anything unknown', () => {
    expect(parseTimeRange(new URLSearchParams('range=7d'))).toEqual({
      kind: 'preset',
      preset: '7d',
    });
    expect(parseTimeRange(new URLSearchParams('range=2y'), '24h')).toEqual({
      kind: 'preset',
      preset: '24h',
    });
    expect(parseTimeRange(new URLSearchParams(''))).toEqual({ kind: 'preset', preset: '1h' });
  });
  it('reads a custom range, and rejects an inverted or malformed one', () => {
    const ok = new URLSearchParams(
      'range=custom&from=2026-11-01T00:00:00Z&to=2026-11-02T00:00:00Z',
    );
    expect(parseTimeRange(ok)).toEqual({
      kind: 'custom',
      from: Date.UTC(2026, 10, 1),
      to: Date.UTC(2026, 10, 2),
    });
    const inverted = new URLSearchParams(
      'range=custom&from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z',
    );
    expect(parseTimeRange(inverted)).toEqual({ kind: 'preset', preset: '1h' });
    expect(parseTimeRange(new URLSearchParams('range=custom&from=x&to=y'))).toEqual({
      kind: 'preset',
      preset: '1h',
    });
  });
});

describe('withTimeRange', () => {
  it('round-trips through the URL and keeps other parameters', () => {
    const custom = {
      kind: 'custom' as const,
      from: Date.UTC(2026, 10, 1),
      to: Date.UTC(2026, 10, 3),
    };
    const params = withTimeRange(new URLSearchParams('route=chat&range=1h'), custom);
    expect(params.get('route')).toBe('chat');
    expect(parseTimeRange(params)).toEqual(custom);
    const back = withTimeRange(params, { kind: 'preset', preset: '24h' });
    expect(back.toString()).toBe('route=chat&range=24h');
  });
});

describe('resolveTimeRange', () => {
  it('ends presets at now, with a resolution the API accepts', () => {
    const now = Date.UTC(2026, 10, 24, 12);
    expect(resolveTimeRange({ kind: 'preset', preset: '1h' }, now)).toEqual({
      from: now - HOUR,
      to: now,
      resolution: 'minute',
    });
    expect(resolveTimeRange({ kind: 'preset', preset: '24h' }, now).resolution).toBe('hour');
    expect(resolveTimeRange({ kind: 'preset', preset: '7d' }, now).resolution).toBe('hour');
  });
  it('picks minutes up to 6 h, hours up to 62 days, days beyond', () => {
    expect(resolutionFor(6 * HOUR)).toBe('minute');
    expect(resolutionFor(6 * HOUR + 1)).toBe('hour');
    expect(resolutionFor(62 * 24 * HOUR)).toBe('hour');
    expect(resolutionFor(63 * 24 * HOUR)).toBe('day');
  });
});

describe('local input values', () => {
  it('convert both ways in local time', () => {
    const ms = new Date(2026, 10, 24, 9, 5).getTime();
    expect(toLocalInputValue(ms)).toBe('2026-11-24T09:05');
    expect(fromLocalInputValue('2026-11-24T09:05')).toBe(ms);
    expect(fromLocalInputValue('yesterday')).toBeNull();
  });
  it('describe presets by name', () => {
    expect(describeTimeRange({ kind: 'preset', preset: '24h' })).toBe('Last 24 hours');
  });
});
