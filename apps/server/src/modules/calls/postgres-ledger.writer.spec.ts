import { describe, expect, it } from '@jest/globals';
import type { AttemptRecord, RecordedPlan } from './call-record.js';
import { isPermanentWriteError } from './ledger-writer.js';
import { arrayLiteral, LedgerDataError, planColumn } from './postgres-ledger.writer.js';

describe('arrayLiteral', () => {
  const encode = (values: (string | number | boolean | null)[]): string =>
    arrayLiteral(values, (v) => v);

  it('encodes numbers, booleans and NULL bare, strings quoted', () => {
    expect(encode([1, -2, 0.25, 1e-7, true, false, null, 'sim-openai/gpt-4o'])).toBe(
      '{1,-2,0.25,1e-7,t,f,NULL,"sim-openai/gpt-4o"}',
    );
    expect(encode([])).toBe('{}');
  });

  it('escapes quotes and backslashes, and keeps the word NULL as a string', () => {
    expect(encode(['say "hi"', 'a\\b', 'NULL', '{1,2}', ''])).toBe(
      '{"say \\"hi\\"","a\\\\b","NULL","{1,2}",""}',
    );
  });

  it('refuses a number PostgreSQL would not read back', () => {
    expect(() => encode([Number.NaN])).toThrow(/non-finite/);
    expect(() => encode([Number.POSITIVE_INFINITY])).toThrow(/non-finite/);
  });

  it('refuses it as data (SQLSTATE class 22), which the recorder sets aside rather than retries', () => {
    let refusal: unknown;
    try {
      encode([1, Number.NaN]);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(LedgerDataError);
    expect(isPermanentWriteError(refusal)).toBe(true);
  });
});

describe('planColumn', () => {
  it('writes each plan as the array element of its JSON text, or NULL', () => {
    const plans: (RecordedPlan | null)[] = [
      { c: [['sim-openai/gpt-4o', 0.6667, 1]], x: [] },
      null,
      {
        c: [
          ['a"quoted"\\deployment', 2.5e-7, 0.25],
          ['ünïcode/модель', 1, 0.75],
        ],
        x: [
          ['down/one', 'circuit_open'],
          ['tab\there', 'paused'],
        ],
      },
      { c: [['nan/weight', Number.NaN, 1]], x: [] },
    ];
    const records = plans.map((plan) => ({ plan }) as unknown as AttemptRecord);
    expect(planColumn(records)).toBe(
      arrayLiteral(plans, (plan) => (plan ? JSON.stringify(plan) : null)),
    );
    expect(planColumn([])).toBe('{}');
  });
});
