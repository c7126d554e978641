import { describe, expect, it } from '@jest/globals';
import { parseUpstreamError, safeMessage, scrubSecrets } from './upstream-error.js';

describe('scrubSecrets', () => {
  it.each([
    ['an OpenAI key', 'key sk-proj-AbCdEf123456_ghIJ is wrong', 'key [redacted] is wrong'],
    [
      'a masked OpenAI key',
      'provided: sk-abc12*****wxyz. You can',
      'provided: [redacted]. You can',
    ],
    ['an Anthropic key', 'x-api-key sk-ant-api03-Zz9_yy-8 bad', 'x-api-key [redacted] bad'],
    [
      'a Google key',
      `key ${['AIza', 'Sy', 'A1b2C3d4'.repeat(4), 'Uv'].join('')} invalid`,
      'key [redacted] invalid',
    ],
    ['a truncated Google key', 'key AIzaSyBx9k2Qw… is invalid', 'key [redacted]… is invalid'],
    [
      'a bearer token',
      'Authorization: Bearer abc.def.ghi failed',
      'Authorization: Bearer [redacted] failed',
    ],
    [
      'a key in a query string',
      'GET /v1/models?key=secret123&alt=sse',
      'GET /v1/models?key=[redacted]&alt=sse',
    ],
    ['a long hex token', `token ${'a1'.repeat(20)} expired`, 'token [redacted] expired'],
    [
      'a long base64 token',
      'secret dGhpcyBpcyBhIHNlY3JldCB0b2tlbiAxMjM0NTY3OA== leaked',
      'secret [redacted] leaked',
    ],
  ])('redacts %s', (_label, input, expected) => {
    expect(scrubSecrets(input)).toBe(expected);
  });

  it('leaves prose, URLs and model names alone', () => {
    const text =
      'You exceeded your current quota, please check https://platform.openai.com/docs/guides/error-codes/api-errors for gemini-2.5-flash-preview-05-20 and claude-sonnet-4-5-20250929.';
    expect(scrubSecrets(text)).toBe(text);
  });
});

describe('safeMessage', () => {
  it('truncates to 500 characters after scrubbing', () => {
    const message = safeMessage(`${'word '.repeat(200)}sk-proj-abcdef123456`);
    expect(message.length).toBe(500);
    expect(message.endsWith('…')).toBe(true);
    expect(safeMessage(`${'a '.repeat(240)}sk-proj-abcdef123456`)).toMatch(/\[redacted\]$/);
  });
});

describe('parseUpstreamError', () => {
  it('reads vLLM and FastAPI error shapes', () => {
    expect(
      parseUpstreamError(
        400,
        '{"object":"error","message":"max_tokens is too large","type":"BadRequestError","param":null,"code":400}',
      ),
    ).toEqual({ message: 'max_tokens is too large', type: 'BadRequestError' });
    expect(parseUpstreamError(422, '{"detail":"Not Found"}')).toEqual({
      message: 'Not Found',
      type: null,
    });
  });

  it('falls back to the raw text for JSON it does not know, scrubbed', () => {
    const info = parseUpstreamError(500, '{"oops":true,"key":"sk-live-0123456789abcdef"}');
    expect(info.type).toBeNull();
    expect(info.message).toBe('{"oops":true,"key":"[redacted]"}');
  });

  it('truncates a long plain body to 500 characters', () => {
    const info = parseUpstreamError(500, 'upstream exploded '.repeat(100));
    expect(info.message.length).toBeLessThanOrEqual(500);
    expect(info.message.startsWith('upstream exploded upstream exploded')).toBe(true);
  });
});
