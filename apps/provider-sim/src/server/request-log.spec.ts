import { describe, expect, it } from '@jest/globals';
import {
  REDACTED,
  RequestLog,
  redactHeaders,
  redactUrl,
  type RequestLogEntry,
} from './request-log.js';

function entry(seq: number, providerId = 'p'): RequestLogEntry {
  return {
    seq,
    receivedAt: seq * 10,
    providerId,
    format: 'openai',
    method: 'POST',
    rawUrl: `/p/v1/chat/completions?key=secret-${seq}&alt=sse`,
    rawHeaders: { authorization: `Bearer secret-${seq}`, 'x-trace': 't' },
    body: { n: seq },
    outcome: 'ok',
    status: 200,
  };
}

describe('RequestLog', () => {
  it('keeps only the last `capacity` entries, oldest first', () => {
    const log = new RequestLog(3);
    for (let i = 1; i <= 5; i++) log.push(entry(i));
    expect(log.list().map((e) => e.seq)).toEqual([3, 4, 5]);
  });

  it('filters by provider', () => {
    const log = new RequestLog(10);
    log.push(entry(1, 'a'));
    log.push(entry(2, 'b'));
    log.push(entry(3, 'a'));
    expect(log.list('a').map((e) => e.seq)).toEqual([1, 3]);
  });

  it('redacts credentials on the way out', () => {
    const log = new RequestLog(2);
    log.push(entry(1));
    const [recorded] = log.list();
    expect(recorded?.headers).toEqual({ authorization: REDACTED, 'x-trace': 't' });
    expect(recorded?.url).toBe(`/p/v1/chat/completions?key=${REDACTED}&alt=sse`);
    expect(JSON.stringify(log.list())).not.toContain('secret');
  });

  it('can be cleared, and disabled with capacity 0', () => {
    const log = new RequestLog(2);
    log.push(entry(1));
    log.clear();
    expect(log.list()).toEqual([]);
    const off = new RequestLog(0);
    off.push(entry(1));
    expect(off.list()).toEqual([]);
  });
});

describe('redaction helpers', () => {
  it('redacts every credential header, whatever the case', () => {
    expect(
      redactHeaders({
        'x-api-key': 'a',
        'x-goog-api-key': 'b',
        'api-key': 'c',
        cookie: 'd',
        'anthropic-version': '2023-06-01',
      }),
    ).toEqual({
      'x-api-key': REDACTED,
      'x-goog-api-key': REDACTED,
      'api-key': REDACTED,
      cookie: REDACTED,
      'anthropic-version': '2023-06-01',
    });
  });

  it('leaves URLs without a key alone', () => {
    expect(redactUrl('/a/b?alt=sse&keys=1')).toBe('/a/b?alt=sse&keys=1');
    expect(redactUrl('/a/b')).toBe('/a/b');
  });
});
