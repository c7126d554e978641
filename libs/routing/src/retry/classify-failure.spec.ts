import { describe, expect, it } from '@jest/globals';
import { classifyFailure, type FailureClass } from './classify-failure.js';

function expectedForStatus(status: number): FailureClass {
  if (status >= 500) return 'retryable';
  if ([408, 409, 425, 429].includes(status)) return 'retryable';
  if ([401, 402, 403, 407].includes(status)) return 'misconfigured';
  return 'caller';
}

describe('classifyFailure', () => {
  it.each(['connect', 'first-byte', 'idle', 'total'] as const)('retries a %s timeout', (phase) => {
    expect(classifyFailure({ kind: 'timeout', phase })).toBe('retryable');
  });

  it('retries connection failures and malformed upstream bodies', () => {
    expect(classifyFailure({ kind: 'connection' })).toBe('retryable');
    expect(classifyFailure({ kind: 'malformed' })).toBe('retryable');
  });

  it.each([
    [408, 'retryable'],
    [409, 'retryable'],
    [425, 'retryable'],
    [429, 'retryable'],
    [500, 'retryable'],
    [502, 'retryable'],
    [503, 'retryable'],
    [504, 'retryable'],
    [529, 'retryable'],
    [599, 'retryable'],
    [400, 'caller'],
    [404, 'caller'],
    [405, 'caller'],
    [413, 'caller'],
    [415, 'caller'],
    [422, 'caller'],
    [451, 'caller'],
    [499, 'caller'],
    [401, 'misconfigured'],
    [402, 'misconfigured'],
    [403, 'misconfigured'],
    [407, 'misconfigured'],
  ] as const)('classifies HTTP %i as %s', (status, expected) => {
    expect(classifyFailure({ kind: 'http', status })).toBe(expected);
  });

  it('classifies every status from 400 to 599 by the rules', () => {
    const counts: Record<FailureClass, number> = { retryable: 0, caller: 0, misconfigured: 0 };
    for (let status = 400; status <= 599; status++) {
      const actual = classifyFailure({ kind: 'http', status });
      expect([status, actual]).toEqual([status, expectedForStatus(status)]);
      counts[actual]++;
    }
    expect(counts).toEqual({ retryable: 104, caller: 92, misconfigured: 4 });
  });

  it.each([0, 200, 204, 304, 399, 600, 999, -404, 404.5, Number.NaN])(
    'rejects HTTP status %p with a RangeError',
    (status) => {
      expect(() => classifyFailure({ kind: 'http', status })).toThrow(RangeError);
    },
  );
});
