import { describe, expect, it } from '@jest/globals';
import { chatRequest } from './testing/provider-fixtures.js';
import { estimateRequestInputTokens, estimateTokens } from './token-estimate.js';

describe('estimateTokens', () => {
  it.each([
    ['', 0],
    ['a', 1],
    ['abcd', 1],
    ['abcde', 2],
  ])('estimates %j as %i tokens', (text, tokens) => {
    expect(estimateTokens(text)).toBe(tokens);
  });
});

describe('estimateRequestInputTokens', () => {
  it('counts message text plus 4 per message', () => {
    const request = chatRequest({
      messages: [
        { role: 'system', content: 'x'.repeat(10) },
        { role: 'user', content: [{ type: 'text', text: 'y'.repeat(10) }] },
      ],
    });
    // 20 chars -> 5 tokens, 2 messages -> 8.
    expect(estimateRequestInputTokens(request)).toBe(13);
  });

  it('counts tool calls, tool definitions and images', () => {
    const tools = [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }];
    const request = chatRequest({
      messages: [
        {
          role: 'user',
          content: [{ type: 'image_url', image_url: { url: 'https://example.com/a.png' } }],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'c', type: 'function', function: { name: 'abcd', arguments: '{"a":1}' } },
          ],
        },
      ],
      tools,
    });
    const chars = 'abcd'.length + '{"a":1}'.length + JSON.stringify(request.tools).length;
    expect(estimateRequestInputTokens(request)).toBe(Math.ceil(chars / 4) + 2 * 4 + 765);
  });
});
