import { describe, expect, it } from '@jest/globals';
import type { ChatCompletionChunk } from '../../common/openai/chat-completion.types.js';
import { AnthropicAdapter } from './anthropic.adapter.js';
import {
  MalformedUpstreamError,
  UnsupportedRequestError,
  UpstreamStreamError,
  type SseEvent,
} from './provider-adapter.js';
import {
  bodyOf,
  chatRequest,
  sseEvent,
  streamedText,
  streamedToolCalls,
  translateAll,
  translateContext,
  upstreamTarget,
} from './testing/provider-fixtures.js';

const adapter = new AnthropicAdapter();

function build(fields: Record<string, unknown>, stream = false): Record<string, unknown> {
  return bodyOf(
    adapter.buildRequest(
      chatRequest(fields),
      upstreamTarget({ model: 'claude-sonnet-4-5' }),
      stream,
    ),
  );
}

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

const PNG_DATA_URL =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk';

describe('AnthropicAdapter.buildRequest', () => {
  it('posts to /messages with the key, the API version and JSON headers', () => {
    for (const baseUrl of ['https://api.anthropic.com/v1', 'https://api.anthropic.com/v1/']) {
      const built = adapter.buildRequest(
        chatRequest(),
        upstreamTarget({ baseUrl, apiKey: 'sk-ant-test' }),
        false,
      );
      expect(built.url.href).toBe('https://api.anthropic.com/v1/messages');
      expect(built.headers).toMatchObject({
        'x-api-key': 'sk-ant-test',
        'anthropic-version': '2023-06-01',
        'content-type': 'application/json',
      });
      expect(built.headers).not.toHaveProperty('authorization');
    }
  });

  it('lets configured headers override the API version and add beta flags', () => {
    const target = upstreamTarget({
      headers: { 'Anthropic-Version': '2024-01-01', 'anthropic-beta': 'prompt-caching-2024-07-31' },
    });
    const built = adapter.buildRequest(chatRequest(), target, false);
    expect(built.headers['anthropic-version']).toBe('2024-01-01');
    expect(built.headers['anthropic-beta']).toBe('prompt-caching-2024-07-31');
  });

  it('translates a plain chat with system and developer prompts', () => {
    const body = build({
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
        { role: 'user', content: 'Hello' },
        { role: 'assistant', content: 'Bonjour.' },
        { role: 'user', content: 'How are you?' },
      ],
    });
    expect(body).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 4096,
      system: 'You are terse.\n\nAnswer in French.',
      messages: [
        { role: 'user', content: 'Hello' },
        { role: 'assistant', content: 'Bonjour.' },
        { role: 'user', content: 'How are you?' },
      ],
    });
  });

  it('merges consecutive messages of the same role into one turn', () => {
    const body = build({
      messages: [
        { role: 'user', content: 'First.' },
        { role: 'user', content: [{ type: 'text', text: 'Second.' }] },
      ],
    });
    expect(body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'First.' },
          { type: 'text', text: 'Second.' },
        ],
      },
    ]);
  });

  it('maps sampling parameters, clamping temperature to Anthropic’s 0..1', () => {
    const body = build({
      max_tokens: 100,
      max_completion_tokens: 256,
      temperature: 1.6,
      top_p: 0.9,
      stop: 'END',
      user: 'user-42',
      seed: 7,
    });
    expect(body).toMatchObject({
      max_tokens: 256,
      temperature: 1,
      top_p: 0.9,
      stop_sequences: ['END'],
      metadata: { user_id: 'user-42' },
    });
    expect(body).not.toHaveProperty('seed');
    expect(build({ max_tokens: 100, temperature: 0.3, stop: ['a', 'b'] })).toMatchObject({
      max_tokens: 100,
      temperature: 0.3,
      stop_sequences: ['a', 'b'],
    });
  });

  it('sets stream only for streamed calls', () => {
    expect(build({}, true).stream).toBe(true);
    expect(build({}, false)).not.toHaveProperty('stream');
  });

  it('translates images: data URLs to base64 sources, http(s) URLs to url sources', () => {
    const body = build({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Compare these.' },
            { type: 'image_url', image_url: { url: PNG_DATA_URL } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg', detail: 'low' } },
          ],
        },
      ],
    });
    expect(body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Compare these.' },
          {
            type: 'image',
            source: {
              type: 'base64',
              media_type: 'image/png',
              data: 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk',
            },
          },
          { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
        ],
      },
    ]);
  });

  it('passes PDFs as document blocks', () => {
    const body = build({
      messages: [
        {
          role: 'user',
          content: [
            {
              type: 'file',
              file: { filename: 'a.pdf', file_data: 'data:application/pdf;base64,JVBERi0x' },
            },
          ],
        },
      ],
    });
    expect(body.messages).toEqual([
      {
        role: 'user',
        content: [
          {
            type: 'document',
            source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0x' },
          },
        ],
      },
    ]);
  });

  it.each([
    ['audio input', { type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } }],
    ['a file id', { type: 'file', file: { file_id: 'file-abc' } }],
    ['a non-PDF file', { type: 'file', file: { file_data: 'data:text/csv;base64,YSxi' } }],
    ['a BMP image', { type: 'image_url', image_url: { url: 'data:image/bmp;base64,Qk0=' } }],
    ['an ftp image URL', { type: 'image_url', image_url: { url: 'ftp://example.com/a.png' } }],
  ])('refuses %s with the path of the part', (_label, part) => {
    const request = chatRequest({
      messages: [
        { role: 'system', content: 'sys' },
        { role: 'user', content: [{ type: 'text', text: 'Listen.' }, part] },
      ],
    });
    const error = thrownBy(() => adapter.buildRequest(request, upstreamTarget(), false));
    expect(error).toBeInstanceOf(UnsupportedRequestError);
    expect((error as UnsupportedRequestError).param).toBe('messages[1].content[1]');
  });

  it('translates tool calls and groups consecutive tool results into one user turn', () => {
    const body = build({
      messages: [
        { role: 'user', content: 'Weather in Paris and Rome?' },
        {
          role: 'assistant',
          content: 'Let me check.',
          tool_calls: [
            {
              id: 'toolu_01',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
            },
            {
              id: 'toolu_02',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Rome"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'toolu_01', content: '18°C' },
        { role: 'tool', tool_call_id: 'toolu_02', content: [{ type: 'text', text: '24°C' }] },
        { role: 'user', content: 'Thanks, which is warmer?' },
      ],
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Current weather',
            parameters: {
              type: 'object',
              properties: { city: { type: 'string' } },
              required: ['city'],
            },
          },
        },
      ],
    });
    expect(body.messages).toEqual([
      { role: 'user', content: 'Weather in Paris and Rome?' },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Let me check.' },
          { type: 'tool_use', id: 'toolu_01', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'toolu_02', name: 'get_weather', input: { city: 'Rome' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_01', content: '18°C' },
          { type: 'tool_result', tool_use_id: 'toolu_02', content: '24°C' },
          { type: 'text', text: 'Thanks, which is warmer?' },
        ],
      },
    ]);
    expect(body.tools).toEqual([
      {
        name: 'get_weather',
        description: 'Current weather',
        input_schema: {
          type: 'object',
          properties: { city: { type: 'string' } },
          required: ['city'],
        },
      },
    ]);
    expect(body).not.toHaveProperty('tool_choice');
  });

  it('puts tool results before text already in the turn', () => {
    const body = build({
      messages: [
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 't1', type: 'function', function: { name: 'f', arguments: '{}' } }],
        },
        { role: 'user', content: 'Here you go.' },
        { role: 'tool', tool_call_id: 't1', content: 'done' },
      ],
      tools: [{ type: 'function', function: { name: 'f' } }],
    });
    expect((body.messages as unknown[])[1]).toEqual({
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 't1', content: 'done' },
        { type: 'text', text: 'Here you go.' },
      ],
    });
  });

  it('reads empty tool arguments as no arguments and gives tools a default schema', () => {
    const body = build({
      messages: [
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 't1', type: 'function', function: { name: 'now', arguments: '' } }],
        },
        { role: 'tool', tool_call_id: 't1', content: '' },
      ],
      tools: [{ type: 'function', function: { name: 'now' } }],
    });
    expect(body.messages).toEqual([
      { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'now', input: {} }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1' }] },
    ]);
    expect(body.tools).toEqual([{ name: 'now', input_schema: { type: 'object', properties: {} } }]);
  });

  it('refuses tool arguments that are not a JSON object, naming the field', () => {
    for (const args of ['{"city": "Par', '[1, 2]']) {
      const request = chatRequest({
        messages: [
          { role: 'user', content: 'Hi' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 't1', type: 'function', function: { name: 'f', arguments: args } }],
          },
        ],
      });
      const error = thrownBy(() => adapter.buildRequest(request, upstreamTarget(), false));
      expect(error).toBeInstanceOf(UnsupportedRequestError);
      expect((error as UnsupportedRequestError).param).toBe(
        'messages[1].tool_calls[0].function.arguments',
      );
    }
  });

  it('declares the tools a history used when the request has none, and forbids calls', () => {
    const body = build({
      messages: [
        { role: 'user', content: 'Time?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 't1', type: 'function', function: { name: 'now', arguments: '{}' } }],
        },
        { role: 'tool', tool_call_id: 't1', content: '12:00' },
      ],
    });
    expect(body.tools).toEqual([{ name: 'now', input_schema: { type: 'object', properties: {} } }]);
    expect(body.tool_choice).toEqual({ type: 'none' });
  });

  it.each([
    ['auto', undefined, { type: 'auto' }],
    ['none', undefined, { type: 'none' }],
    ['required', undefined, { type: 'any' }],
    [
      { type: 'function', function: { name: 'get_weather' } },
      undefined,
      { type: 'tool', name: 'get_weather' },
    ],
    ['required', false, { type: 'any', disable_parallel_tool_use: true }],
    [undefined, false, { type: 'auto', disable_parallel_tool_use: true }],
  ])('maps tool_choice %j (parallel %s) to %j', (choice, parallel, expected) => {
    const body = build({
      tools: [{ type: 'function', function: { name: 'get_weather' } }],
      ...(choice === undefined ? {} : { tool_choice: choice }),
      ...(parallel === undefined ? {} : { parallel_tool_calls: parallel }),
    });
    expect(body.tool_choice).toEqual(expected);
  });

  it('asks for JSON in the system prompt, with the schema when one is given', () => {
    const schema = {
      type: 'object',
      properties: { answer: { type: 'string' } },
      required: ['answer'],
    };
    const withSchema = build({
      messages: [
        { role: 'system', content: 'Be helpful.' },
        { role: 'user', content: 'Hi' },
      ],
      response_format: { type: 'json_schema', json_schema: { name: 'reply', schema } },
    });
    expect(withSchema.system).toMatch(/^Be helpful\.\n\nRespond with a single JSON value/);
    expect(withSchema.system).toContain(JSON.stringify(schema));

    const jsonObject = build({ response_format: { type: 'json_object' } });
    expect(jsonObject.system).toMatch(/^Respond with a single valid JSON object/);
    expect(build({ response_format: { type: 'text' } })).not.toHaveProperty('system');
  });

  it('trims trailing whitespace from a final assistant prefill', () => {
    const body = build({
      messages: [
        { role: 'user', content: 'Write JSON.' },
        { role: 'assistant', content: '{\n  ' },
      ],
    });
    expect((body.messages as unknown[])[1]).toEqual({ role: 'assistant', content: '{' });
  });
});

describe('AnthropicAdapter.parseResponse', () => {
  const message = {
    id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-4-5-20250929',
    content: [
      { type: 'thinking', thinking: 'The user wants weather.', signature: 'EqQBCgIYAhIM' },
      { type: 'text', text: "I'll check the weather." },
      {
        type: 'tool_use',
        id: 'toolu_01A09q90qw90lq917835lq9',
        name: 'get_weather',
        input: { location: 'San Francisco, CA', unit: 'celsius' },
      },
    ],
    stop_reason: 'tool_use',
    stop_sequence: null,
    usage: {
      input_tokens: 472,
      cache_creation_input_tokens: 100,
      cache_read_input_tokens: 2000,
      output_tokens: 89,
    },
  };

  it('translates text, tool use and usage with cache tokens', () => {
    const { completion, usage } = adapter.parseResponse(message, translateContext, chatRequest());
    expect(completion).toEqual({
      id: translateContext.id,
      object: 'chat.completion',
      created: translateContext.created,
      model: 'claude-sonnet-4-5-20250929',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: "I'll check the weather.",
            refusal: null,
            tool_calls: [
              {
                id: 'toolu_01A09q90qw90lq917835lq9',
                type: 'function',
                function: {
                  name: 'get_weather',
                  arguments: '{"location":"San Francisco, CA","unit":"celsius"}',
                },
              },
            ],
          },
          finish_reason: 'tool_calls',
          logprobs: null,
        },
      ],
      usage: {
        prompt_tokens: 2572,
        completion_tokens: 89,
        total_tokens: 2661,
        prompt_tokens_details: { cached_tokens: 2000 },
      },
    });
    expect(usage).toEqual({ inputTokens: 2572, outputTokens: 89, cachedInputTokens: 2000 });
  });

  it('gives content null when the answer is only tool calls', () => {
    const body = { ...message, content: message.content.slice(2) };
    expect(
      adapter.parseResponse(body, translateContext, chatRequest()).completion.choices[0]?.message
        .content,
    ).toBeNull();
  });

  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['pause_turn', 'stop'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'content_filter'],
  ])('maps stop_reason %s to %s', (stopReason, finishReason) => {
    const body = { ...message, content: [{ type: 'text', text: 'x' }], stop_reason: stopReason };
    expect(
      adapter.parseResponse(body, translateContext, chatRequest()).completion.choices[0]
        ?.finish_reason,
    ).toBe(finishReason);
  });

  it.each([
    ['a non-object', null],
    ['a message without content', { type: 'message', role: 'assistant' }],
    ['an error body', { type: 'error', error: { type: 'api_error', message: 'Internal' } }],
    [
      'a tool_use block without a name',
      { type: 'message', content: [{ type: 'tool_use', id: 'x', input: {} }] },
    ],
  ])('rejects %s as malformed', (_label, body) => {
    expect(() => adapter.parseResponse(body, translateContext, chatRequest())).toThrow(
      MalformedUpstreamError,
    );
  });
});

function event(data: Record<string, unknown>): SseEvent {
  return sseEvent(data, String(data.type));
}

const messageStart = event({
  type: 'message_start',
  message: {
    id: 'msg_014p7gG3wDgGV9EUtLvnow3U',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-4-5-20250929',
    stop_sequence: null,
    usage: {
      input_tokens: 472,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      output_tokens: 2,
    },
    content: [],
    stop_reason: null,
  },
});

/** The tool-use stream of Anthropic's streaming documentation. */
const toolUseStream: SseEvent[] = [
  messageStart,
  event({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
  event({ type: 'ping' }),
  event({
    type: 'content_block_delta',
    index: 0,
    delta: { type: 'text_delta', text: 'Okay, let me check' },
  }),
  event({
    type: 'content_block_delta',
    index: 0,
    delta: { type: 'text_delta', text: ' the weather.' },
  }),
  event({ type: 'content_block_stop', index: 0 }),
  event({
    type: 'content_block_start',
    index: 1,
    content_block: {
      type: 'tool_use',
      id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6',
      name: 'get_weather',
      input: {},
    },
  }),
  event({
    type: 'content_block_delta',
    index: 1,
    delta: { type: 'input_json_delta', partial_json: '' },
  }),
  event({
    type: 'content_block_delta',
    index: 1,
    delta: { type: 'input_json_delta', partial_json: '{"location":' },
  }),
  event({
    type: 'content_block_delta',
    index: 1,
    delta: { type: 'input_json_delta', partial_json: ' "San Francisco, CA"}' },
  }),
  event({ type: 'content_block_stop', index: 1 }),
  event({
    type: 'content_block_start',
    index: 2,
    content_block: { type: 'tool_use', id: 'toolu_02', name: 'get_time', input: {} },
  }),
  event({ type: 'content_block_stop', index: 2 }),
  event({
    type: 'message_delta',
    delta: { stop_reason: 'tool_use', stop_sequence: null },
    usage: { output_tokens: 89 },
  }),
  event({ type: 'message_stop' }),
];

const textStream: SseEvent[] = [
  messageStart,
  event({
    type: 'content_block_start',
    index: 0,
    content_block: { type: 'thinking', thinking: '' },
  }),
  event({
    type: 'content_block_delta',
    index: 0,
    delta: { type: 'thinking_delta', thinking: 'Hmm.' },
  }),
  event({
    type: 'content_block_delta',
    index: 0,
    delta: { type: 'signature_delta', signature: 'EqQB' },
  }),
  event({ type: 'content_block_stop', index: 0 }),
  event({ type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } }),
  event({ type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Hello' } }),
  event({ type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: '!' } }),
  event({ type: 'content_block_stop', index: 1 }),
  event({
    type: 'message_delta',
    delta: { stop_reason: 'end_turn', stop_sequence: null },
    usage: { output_tokens: 15 },
  }),
  event({ type: 'message_stop' }),
];

describe('AnthropicAdapter stream translation', () => {
  it('translates a text stream; the first chunk carries the role', () => {
    const translator = adapter.createStreamTranslator(
      chatRequest({ stream: true }),
      translateContext,
    );
    const chunks = translateAll(translator, textStream);

    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '' });
    expect(chunks.filter((c) => c.choices[0]?.delta.role !== undefined)).toHaveLength(1);
    expect(streamedText(chunks)).toBe('Hello!');
    for (const chunk of chunks) {
      expect(chunk.id).toBe(translateContext.id);
      expect(chunk.model).toBe('claude-sonnet-4-5-20250929');
      expect(chunk).not.toHaveProperty('usage');
    }
    const last = chunks[chunks.length - 1] as ChatCompletionChunk;
    expect(last.choices[0]?.finish_reason).toBe('stop');
    expect(translator.done).toBe(true);
    expect(translator.finishReason).toBe('stop');
    expect(translator.usage()).toEqual({
      inputTokens: 472,
      outputTokens: 15,
      cachedInputTokens: 0,
      reported: true,
    });
  });

  it('translates tool use into OpenAI tool-call deltas numbered among tool blocks', () => {
    const translator = adapter.createStreamTranslator(
      chatRequest({ stream: true }),
      translateContext,
    );
    const chunks = translateAll(translator, toolUseStream);

    expect(streamedText(chunks)).toBe('Okay, let me check the weather.');
    expect(streamedToolCalls(chunks)).toEqual([
      {
        id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6',
        name: 'get_weather',
        arguments: '{"location": "San Francisco, CA"}',
      },
      // A parameterless tool streams no input; clients still get parseable arguments.
      { id: 'toolu_02', name: 'get_time', arguments: '{}' },
    ]);
    const firstToolDelta = chunks.find((c) => c.choices[0]?.delta.tool_calls)?.choices[0]?.delta;
    expect(firstToolDelta?.tool_calls).toEqual([
      {
        index: 0,
        id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6',
        type: 'function',
        function: { name: 'get_weather', arguments: '' },
      },
    ]);
    expect(translator.finishReason).toBe('tool_calls');
    expect(translator.usage()).toMatchObject({
      inputTokens: 472,
      outputTokens: 89,
      reported: true,
    });
  });

  it('ends with a usage chunk when the caller asked for include_usage', () => {
    const request = chatRequest({ stream: true, stream_options: { include_usage: true } });
    const chunks = translateAll(
      adapter.createStreamTranslator(request, translateContext),
      textStream,
    );
    const last = chunks[chunks.length - 1] as ChatCompletionChunk;
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual({
      prompt_tokens: 472,
      completion_tokens: 15,
      total_tokens: 487,
      prompt_tokens_details: { cached_tokens: 0 },
    });
    for (const chunk of chunks.slice(0, -1)) expect(chunk.usage).toBeNull();
  });

  it('bills a cut stream by the reported input and the delivered output', () => {
    const translator = adapter.createStreamTranslator(chatRequest(), translateContext);
    translateAll(translator, [
      messageStart,
      event({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
      event({
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'text_delta', text: 'x'.repeat(40) },
      }),
    ]);
    expect(translator.done).toBe(false);
    expect(translator.usage()).toEqual({
      inputTokens: 472,
      outputTokens: 10,
      cachedInputTokens: 0,
      reported: false,
    });
  });

  it.each([
    ['overloaded_error', 529],
    ['rate_limit_error', 429],
    ['api_error', 500],
    ['some_new_error', 500],
  ])('turns an error event of type %s into an UpstreamStreamError (%i)', (type, status) => {
    const translator = adapter.createStreamTranslator(chatRequest(), translateContext);
    translator.push(messageStart);
    const error = thrownBy(() =>
      translator.push(event({ type: 'error', error: { type, message: 'Overloaded' } })),
    );
    expect(error).toBeInstanceOf(UpstreamStreamError);
    expect((error as UpstreamStreamError).status).toBe(status);
    expect((error as UpstreamStreamError).errorType).toBe(type);
  });

  it('ignores event types it does not know', () => {
    const translator = adapter.createStreamTranslator(chatRequest(), translateContext);
    expect(translator.push(event({ type: 'future_event', foo: 1 }))).toEqual([]);
  });

  it.each([
    ['non-JSON data', { event: 'message_start', data: '{"type": "message_start", ' }],
    [
      'a delta for a block never started',
      event({ type: 'content_block_delta', index: 4, delta: { type: 'text_delta', text: 'x' } }),
    ],
    [
      'a block without index',
      event({ type: 'content_block_start', content_block: { type: 'text', text: '' } }),
    ],
  ])('rejects %s as malformed', (_label, bad) => {
    const translator = adapter.createStreamTranslator(chatRequest(), translateContext);
    translator.push(messageStart);
    expect(() => translator.push(bad)).toThrow(MalformedUpstreamError);
  });
});

describe('AnthropicAdapter.parseError', () => {
  it("reads Anthropic's error shape", () => {
    const body = JSON.stringify({
      type: 'error',
      error: { type: 'overloaded_error', message: 'Overloaded' },
      request_id: 'req_011CSHoEeqs5C35K2UUqR7Fy',
    });
    expect(adapter.parseError(529, body)).toEqual({
      message: 'Overloaded',
      type: 'overloaded_error',
    });
  });

  it('scrubs a key echoed in the message', () => {
    const body = JSON.stringify({
      type: 'error',
      error: {
        type: 'authentication_error',
        message: 'invalid x-api-key sk-ant-api03-AbCdEf0123456789',
      },
    });
    expect(adapter.parseError(401, body)).toEqual({
      message: 'invalid x-api-key [redacted]',
      type: 'authentication_error',
    });
  });
});
