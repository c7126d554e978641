import { describe, expect, it } from '@jest/globals';
import {
  FAILURE_OUTCOMES,
  LEDGER_OUTCOMES,
  NEUTRAL_OUTCOMES,
  outcomeKind,
} from './ledger-outcome.js';

describe('outcomeKind', () => {
  it('counts success as success, caller errors and aborts as neutral, the rest as failures', () => {
    expect(outcomeKind('success')).toBe('success');
    expect(outcomeKind('caller_error')).toBe('neutral');
    expect(outcomeKind('aborted')).toBe('neutral');
    for (const o of [
      'rate_limited',
      'server_error',
      'timeout',
      'connection_error',
      'malformed',
      'misconfigured',
      'interrupted',
    ] as const) {
      expect(outcomeKind(o)).toBe('failure');
    }
  });

  it('partitions the outcomes into the exported lists', () => {
    expect(LEDGER_OUTCOMES).toHaveLength(10);
    expect(FAILURE_OUTCOMES).toHaveLength(7);
    expect(NEUTRAL_OUTCOMES).toEqual(['caller_error', 'aborted']);
    expect(new Set([...FAILURE_OUTCOMES, ...NEUTRAL_OUTCOMES, 'success'])).toEqual(
      new Set(LEDGER_OUTCOMES),
    );
  });
});
