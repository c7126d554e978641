import { describe, expect, it } from '@jest/globals';
import { isGatewayError, type GatewayError } from '../../common/errors/gateway-error.js';
import { parseChatRequest } from './chat-request.validation.js';

function rejection(body: unknown): GatewayError {
  try {
    parseChatRequest(body);
  } catch (error) {
    if (isGatewayError(error)) return error;
    throw error;
  }
  throw new Error('expected the body to be rejected');
}

const valid = { model: 'chat-default', messages: [{ role: 'user', content: 'hi' }] };

describe('parseChatRequest', () => {
  it('accepts a minimal request and keeps unknown top-level parameters for pass-through', () => {
    const parsed = parseChatRequest({ ...valid, logprobs: true, metadata: { team: 'a' } });
    expect(parsed.model).toBe('chat-default');
    expect((parsed as Record<string, unknown>).logprobs).toBe(true);
  });

  it('accepts tools, tool calls and tool results', () => {
    const parsed = parseChatRequest({
      model: 'm',
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: [{ type: 'text', text: 'weather?' }] },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'c1', content: '{"t":20}' },
      ],
      tools: [
        { type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } },
      ],
      tool_choice: 'auto',
    });
    expect(parsed.messages).toHaveLength(4);
  });

  it.each([
    [{ messages: valid.messages }, 'model'],
    [{ model: 'm', messages: [] }, 'messages'],
    [{ model: 'm', messages: [{ role: 'user', content: 7 }] }, 'messages[0].content'],
    [{ model: 'm', messages: [{ role: 'tool', content: 'x' }] }, 'messages[0].tool_call_id'],
    [{ ...valid, temperature: 3 }, 'temperature'],
    [{ ...valid, max_tokens: 0 }, 'max_tokens'],
    [{ ...valid, n: 2 }, 'n'],
    [{ ...valid, stream: 'yes' }, 'stream'],
    [
      { ...valid, tools: [{ type: 'function', function: { name: 'bad name!' } }] },
      'tools[0].function.name',
    ],
  ])('rejects %j naming `%s`', (body, param) => {
    const error = rejection(body);
    expect(error.status).toBe(400);
    expect(error.code).toBe('invalid_request');
    expect(error.toBody().error.param).toBe(param);
    expect(error.message).toContain(`\`${param}\``);
  });

  it('rejects a role it does not know', () => {
    const error = rejection({ model: 'm', messages: [{ role: 'wizard', content: 'x' }] });
    expect(error.toBody().error.param).toBe('messages[0].role');
  });

  it.each([null, [], 'text', 5])('rejects a body that is not an object: %j', (body) => {
    expect(rejection(body).status).toBe(400);
  });

  it('answers in the OpenAI error shape', () => {
    expect(rejection({}).toBody()).toEqual({
      error: {
        message: expect.stringContaining('Invalid request'),
        type: 'invalid_request_error',
        code: 'invalid_request',
        param: expect.any(String),
      },
    });
  });
});
