import { describe, expect, it } from '@jest/globals';
import type { ChatCompletionChunk } from '../../common/openai/chat-completion.types.js';
import { GEMINI_SKIP_SIGNATURE, GeminiAdapter } from './gemini.adapter.js';
import {
  MalformedUpstreamError,
  UnsupportedRequestError,
  UpstreamStreamError,
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

const adapter = new GeminiAdapter();
const BASE_URL = 'https://generativelanguage.googleapis.com/v1beta';

function build(fields: Record<string, unknown>, stream = false): Record<string, unknown> {
  const target = upstreamTarget({ baseUrl: BASE_URL, model: 'gemini-2.5-flash' });
  return bodyOf(adapter.buildRequest(chatRequest(fields), target, stream));
}

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      properties: {
        city: { type: 'string', description: 'City name' },
        unit: { type: ['string', 'null'], enum: ['celsius', 'fahrenheit'] },
      },
      required: ['city'],
      additionalProperties: false,
    },
    strict: true,
  },
};

const toolHistory = [
  { role: 'user', content: 'Weather in Paris and Rome?' },
  {
    role: 'assistant',
    content: null,
    tool_calls: [
      {
        id: 'call_1',
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
      },
      {
        id: 'call_2',
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Rome"}' },
      },
    ],
  },
  { role: 'tool', tool_call_id: 'call_1', content: '{"temp":18,"sky":"clear"}' },
  { role: 'tool', tool_call_id: 'call_2', content: 'sunny, 24°C' },
];

describe('GeminiAdapter.buildRequest', () => {
  it('calls generateContent, or streamGenerateContent with alt=sse, keeping the key out of the URL', () => {
    const target = upstreamTarget({
      baseUrl: `${BASE_URL}/`,
      model: 'gemini-2.5-flash',
      apiKey: 'AIzaSyTestKey',
    });
    const plain = adapter.buildRequest(chatRequest(), target, false);
    expect(plain.url.href).toBe(`${BASE_URL}/models/gemini-2.5-flash:generateContent`);
    expect(plain.headers['x-goog-api-key']).toBe('AIzaSyTestKey');
    expect(plain.headers).not.toHaveProperty('authorization');

    const streamed = adapter.buildRequest(chatRequest(), target, true);
    expect(streamed.url.href).toBe(
      `${BASE_URL}/models/gemini-2.5-flash:streamGenerateContent?alt=sse`,
    );
    for (const built of [plain, streamed]) expect(built.url.href).not.toContain('AIza');
  });

  it('accepts a model named with its models/ prefix', () => {
    const target = upstreamTarget({ baseUrl: BASE_URL, model: 'models/gemini-2.5-pro' });
    expect(adapter.buildRequest(chatRequest(), target, false).url.pathname).toBe(
      '/v1beta/models/gemini-2.5-pro:generateContent',
    );
  });

  it('translates system prompts and turns, merging consecutive same-role messages', () => {
    const body = build({
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'developer', content: 'Answer in French.' },
        { role: 'user', content: 'Hello' },
        { role: 'user', content: [{ type: 'text', text: 'Anyone there?' }] },
        { role: 'assistant', content: 'Bonjour.' },
        { role: 'user', content: 'Ça va ?' },
      ],
    });
    expect(body).toEqual({
      systemInstruction: { parts: [{ text: 'You are terse.' }, { text: 'Answer in French.' }] },
      contents: [
        { role: 'user', parts: [{ text: 'Hello' }, { text: 'Anyone there?' }] },
        { role: 'model', parts: [{ text: 'Bonjour.' }] },
        { role: 'user', parts: [{ text: 'Ça va ?' }] },
      ],
    });
  });

  it('translates tool calls and results, naming each result after its call', () => {
    const body = build({ messages: toolHistory, tools: [weatherTool] });
    expect(body.contents).toEqual([
      { role: 'user', parts: [{ text: 'Weather in Paris and Rome?' }] },
      {
        role: 'model',
        parts: [
          {
            functionCall: { name: 'get_weather', args: { city: 'Paris' } },
            thoughtSignature: GEMINI_SKIP_SIGNATURE,
          },
          { functionCall: { name: 'get_weather', args: { city: 'Rome' } } },
        ],
      },
      {
        role: 'user',
        parts: [
          {
            functionResponse: {
              name: 'get_weather',
              response: { result: { temp: 18, sky: 'clear' } },
            },
          },
          { functionResponse: { name: 'get_weather', response: { result: 'sunny, 24°C' } } },
        ],
      },
    ]);
  });

  it('refuses a tool result whose call id no assistant message issued', () => {
    const request = chatRequest({
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'tool', tool_call_id: 'call_missing', content: '42' },
      ],
    });
    const error = thrownBy(() => adapter.buildRequest(request, upstreamTarget(), false));
    expect(error).toBeInstanceOf(UnsupportedRequestError);
    expect((error as UnsupportedRequestError).param).toBe('messages[1].tool_call_id');
    expect((error as Error).message).toContain('call_missing');
  });

  it('refuses tool arguments that are not JSON, naming the field', () => {
    const request = chatRequest({
      messages: [
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'c', type: 'function', function: { name: 'f', arguments: 'city=Paris' } },
          ],
        },
      ],
    });
    const error = thrownBy(() => adapter.buildRequest(request, upstreamTarget(), false));
    expect(error).toBeInstanceOf(UnsupportedRequestError);
    expect((error as UnsupportedRequestError).param).toBe(
      'messages[0].tool_calls[0].function.arguments',
    );
  });

  it('translates images and audio to inline data and http(s) images to file data', () => {
    const body = build({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/4AAQSkZJRg==' } },
            {
              type: 'image_url',
              image_url: { url: 'https://example.com/photos/cat.PNG?size=large' },
            },
            { type: 'image_url', image_url: { url: 'https://example.com/render' } },
            { type: 'input_audio', input_audio: { data: 'UklGRiQAAABXQVZF', format: 'wav' } },
          ],
        },
      ],
    });
    expect(body.contents).toEqual([
      {
        role: 'user',
        parts: [
          { text: 'What is this?' },
          { inlineData: { mimeType: 'image/jpeg', data: '/9j/4AAQSkZJRg==' } },
          {
            fileData: {
              fileUri: 'https://example.com/photos/cat.PNG?size=large',
              mimeType: 'image/png',
            },
          },
          { fileData: { fileUri: 'https://example.com/render' } },
          { inlineData: { mimeType: 'audio/wav', data: 'UklGRiQAAABXQVZF' } },
        ],
      },
    ]);
  });

  it('refuses files given by OpenAI file id', () => {
    const request = chatRequest({
      messages: [{ role: 'user', content: [{ type: 'file', file: { file_id: 'file-abc' } }] }],
    });
    const error = thrownBy(() => adapter.buildRequest(request, upstreamTarget(), false));
    expect(error).toBeInstanceOf(UnsupportedRequestError);
    expect((error as UnsupportedRequestError).param).toBe('messages[0].content[0]');
  });

  it('declares tools with parameters Gemini accepts, and leaves out empty ones', () => {
    const body = build({
      tools: [
        weatherTool,
        {
          type: 'function',
          function: { name: 'now', parameters: { type: 'object', properties: {} } },
        },
      ],
    });
    expect(body.tools).toEqual([
      {
        functionDeclarations: [
          {
            name: 'get_weather',
            description: 'Current weather for a city',
            parameters: {
              type: 'object',
              properties: {
                city: { type: 'string', description: 'City name' },
                unit: { type: 'string', nullable: true, enum: ['celsius', 'fahrenheit'] },
              },
              required: ['city'],
            },
          },
          { name: 'now' },
        ],
      },
    ]);
  });

  it.each([
    ['none', { mode: 'NONE' }],
    ['auto', { mode: 'AUTO' }],
    ['required', { mode: 'ANY' }],
    [
      { type: 'function', function: { name: 'get_weather' } },
      { mode: 'ANY', allowedFunctionNames: ['get_weather'] },
    ],
  ])('maps tool_choice %j', (choice, expected) => {
    const body = build({ tools: [weatherTool], tool_choice: choice });
    expect(body.toolConfig).toEqual({ functionCallingConfig: expected });
  });

  it('maps sampling parameters to generationConfig', () => {
    const body = build({
      max_tokens: 512,
      temperature: 1.5,
      top_p: 0.8,
      stop: ['END'],
      seed: 42,
      presence_penalty: 0.5,
      frequency_penalty: -0.5,
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'answer',
          strict: true,
          schema: {
            type: 'object',
            properties: { answer: { type: 'string' } },
            required: ['answer'],
            additionalProperties: false,
          },
        },
      },
    });
    expect(body.generationConfig).toEqual({
      maxOutputTokens: 512,
      temperature: 1.5,
      topP: 0.8,
      stopSequences: ['END'],
      seed: 42,
      presencePenalty: 0.5,
      frequencyPenalty: -0.5,
      responseMimeType: 'application/json',
      responseSchema: {
        type: 'object',
        properties: { answer: { type: 'string' } },
        required: ['answer'],
      },
    });
    expect(
      build({ max_completion_tokens: 64, max_tokens: 512, stop: 'X' }).generationConfig,
    ).toEqual({
      maxOutputTokens: 64,
      stopSequences: ['X'],
    });
    expect(build({ response_format: { type: 'json_object' } }).generationConfig).toEqual({
      responseMimeType: 'application/json',
    });
    expect(build({})).not.toHaveProperty('generationConfig');
  });
});

describe('GeminiAdapter.parseResponse', () => {
  const textResponse = {
    candidates: [
      {
        content: {
          parts: [
            { text: 'Thinking about the sky.', thought: true },
            { text: 'The sky is blue because of Rayleigh scattering.' },
          ],
          role: 'model',
        },
        finishReason: 'STOP',
        index: 0,
      },
    ],
    usageMetadata: {
      promptTokenCount: 8,
      candidatesTokenCount: 12,
      totalTokenCount: 95,
      cachedContentTokenCount: 4,
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: 8 }],
      thoughtsTokenCount: 75,
    },
    modelVersion: 'gemini-2.5-flash',
    responseId: 'vHRHaO3iE4CEz7IP_KPYwQQ',
  };

  it('translates text, leaving thoughts out and billing them as output', () => {
    const { completion, usage } = adapter.parseResponse(
      textResponse,
      translateContext,
      chatRequest(),
    );
    expect(completion).toEqual({
      id: translateContext.id,
      object: 'chat.completion',
      created: translateContext.created,
      model: 'gemini-2.5-flash',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'The sky is blue because of Rayleigh scattering.',
            refusal: null,
          },
          finish_reason: 'stop',
          logprobs: null,
        },
      ],
      usage: {
        prompt_tokens: 8,
        completion_tokens: 87,
        total_tokens: 95,
        prompt_tokens_details: { cached_tokens: 4 },
        completion_tokens_details: { reasoning_tokens: 75 },
      },
    });
    expect(usage).toEqual({ inputTokens: 8, outputTokens: 87, cachedInputTokens: 4 });
  });

  it('translates function calls with ids stable within the response', () => {
    const body = {
      candidates: [
        {
          content: {
            role: 'model',
            parts: [
              {
                functionCall: { name: 'get_weather', args: { city: 'Paris' } },
                thoughtSignature: 'CiQBVKhc7g==',
              },
              { functionCall: { name: 'get_weather', args: { city: 'Rome' } } },
            ],
          },
          finishReason: 'STOP',
          index: 0,
        },
      ],
      usageMetadata: { promptTokenCount: 50, candidatesTokenCount: 20, totalTokenCount: 70 },
      modelVersion: 'gemini-2.5-flash',
    };
    const { completion } = adapter.parseResponse(body, translateContext, chatRequest());
    const choice = completion.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(choice?.message.content).toBeNull();
    expect(choice?.message.tool_calls).toEqual([
      {
        id: 'call_89abcdef0123456789abcdef_0',
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
      },
      {
        id: 'call_89abcdef0123456789abcdef_1',
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Rome"}' },
      },
    ]);
  });

  it.each([
    ['STOP', 'stop'],
    ['MAX_TOKENS', 'length'],
    ['SAFETY', 'content_filter'],
    ['RECITATION', 'content_filter'],
    ['BLOCKLIST', 'content_filter'],
    ['PROHIBITED_CONTENT', 'content_filter'],
    ['SPII', 'content_filter'],
    ['OTHER', 'stop'],
  ])('maps finishReason %s to %s', (reason, expected) => {
    const body = {
      candidates: [{ content: { role: 'model', parts: [{ text: 'x' }] }, finishReason: reason }],
    };
    expect(
      adapter.parseResponse(body, translateContext, chatRequest()).completion.choices[0]
        ?.finish_reason,
    ).toBe(expected);
  });

  it('reports a blocked prompt as an empty, filtered completion', () => {
    const body = {
      promptFeedback: { blockReason: 'SAFETY', safetyRatings: [] },
      usageMetadata: { promptTokenCount: 8, totalTokenCount: 8 },
      modelVersion: 'gemini-2.5-flash',
    };
    const { completion, usage } = adapter.parseResponse(body, translateContext, chatRequest());
    expect(completion.choices[0]?.finish_reason).toBe('content_filter');
    expect(completion.choices[0]?.message.content).toBe('');
    expect(usage).toEqual({ inputTokens: 8, outputTokens: 0 });
  });

  it('estimates usage when usageMetadata is missing', () => {
    const body = {
      candidates: [
        { content: { role: 'model', parts: [{ text: 'abcdefgh' }] }, finishReason: 'STOP' },
      ],
    };
    const request = chatRequest({ messages: [{ role: 'user', content: 'x'.repeat(40) }] });
    expect(adapter.parseResponse(body, translateContext, request).usage).toEqual({
      inputTokens: 14,
      outputTokens: 2,
    });
  });

  it.each([
    ['no candidates and no feedback', { usageMetadata: { promptTokenCount: 1 } }],
    ['a string', 'hello'],
    ['parts that are not a list', { candidates: [{ content: { parts: 'x' } }] }],
    [
      'a function call without a name',
      { candidates: [{ content: { parts: [{ functionCall: { args: {} } }] } }] },
    ],
    ['an error body', { error: { code: 500, message: 'Internal error', status: 'INTERNAL' } }],
  ])('rejects %s as malformed', (_label, body) => {
    expect(() => adapter.parseResponse(body, translateContext, chatRequest())).toThrow(
      MalformedUpstreamError,
    );
  });
});

function geminiEvent(
  parts: unknown[] | null,
  extra: Record<string, unknown> = {},
): ReturnType<typeof sseEvent> {
  return sseEvent({
    ...(parts === null
      ? {}
      : { candidates: [{ content: { parts, role: 'model' }, index: 0, ...extra }] }),
    usageMetadata: { promptTokenCount: 9, totalTokenCount: 9 },
    modelVersion: 'gemini-2.5-flash',
    responseId: 'mHRHaIDdKdGqz7IPkbuC4A0',
  });
}

const finalUsage = {
  promptTokenCount: 9,
  candidatesTokenCount: 5,
  totalTokenCount: 40,
  thoughtsTokenCount: 26,
};

const textStream = [
  geminiEvent([{ text: 'The' }]),
  geminiEvent([{ text: ' sky is' }]),
  sseEvent({
    candidates: [
      { content: { parts: [{ text: ' blue.' }], role: 'model' }, finishReason: 'STOP', index: 0 },
    ],
    usageMetadata: finalUsage,
    modelVersion: 'gemini-2.5-flash',
    responseId: 'mHRHaIDdKdGqz7IPkbuC4A0',
  }),
];

describe('GeminiAdapter stream translation', () => {
  it('translates text fragments and ends at the finish reason', () => {
    const translator = adapter.createStreamTranslator(
      chatRequest({ stream: true }),
      translateContext,
    );
    const chunks = translateAll(translator, textStream);
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: 'The' });
    expect(streamedText(chunks)).toBe('The sky is blue.');
    const last = chunks[chunks.length - 1] as ChatCompletionChunk;
    expect(last.choices[0]?.finish_reason).toBe('stop');
    expect(last.model).toBe('gemini-2.5-flash');
    expect(translator.done).toBe(true);
    expect(translator.usage()).toEqual({ inputTokens: 9, outputTokens: 31, reported: true });
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
      prompt_tokens: 9,
      completion_tokens: 31,
      total_tokens: 40,
      completion_tokens_details: { reasoning_tokens: 26 },
    });
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
  });

  it('forwards each function call whole, with the finish reason tool_calls', () => {
    const translator = adapter.createStreamTranslator(
      chatRequest({ stream: true }),
      translateContext,
    );
    const chunks = translateAll(translator, [
      geminiEvent([{ text: 'Checking.' }]),
      geminiEvent(
        [
          {
            functionCall: { name: 'get_weather', args: { city: 'Paris' } },
            thoughtSignature: 'CiQBVKhc7g==',
          },
          { functionCall: { name: 'get_time', args: {} } },
        ],
        { finishReason: 'STOP' },
      ),
    ]);
    expect(streamedText(chunks)).toBe('Checking.');
    expect(streamedToolCalls(chunks)).toEqual([
      { id: 'call_89abcdef0123456789abcdef_0', name: 'get_weather', arguments: '{"city":"Paris"}' },
      { id: 'call_89abcdef0123456789abcdef_1', name: 'get_time', arguments: '{}' },
    ]);
    const toolDelta = chunks[1]?.choices[0]?.delta.tool_calls?.[0];
    expect(toolDelta).toEqual({
      index: 0,
      id: 'call_89abcdef0123456789abcdef_0',
      type: 'function',
      function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
    });
    expect(translator.finishReason).toBe('tool_calls');
    expect(translator.done).toBe(true);
  });

  it('ends a blocked prompt with a content_filter chunk', () => {
    const translator = adapter.createStreamTranslator(
      chatRequest({ stream: true }),
      translateContext,
    );
    const chunks = translator.push(
      sseEvent({
        promptFeedback: { blockReason: 'PROHIBITED_CONTENT' },
        usageMetadata: { promptTokenCount: 7, totalTokenCount: 7 },
      }),
    );
    expect(chunks).toHaveLength(1);
    expect(chunks[0]?.choices[0]).toMatchObject({
      delta: { role: 'assistant' },
      finish_reason: 'content_filter',
    });
    expect(translator.done).toBe(true);
  });

  it('bills a cut stream by the last usage and what was delivered', () => {
    const request = chatRequest({ messages: [{ role: 'user', content: 'x'.repeat(40) }] });
    const translator = adapter.createStreamTranslator(request, translateContext);
    translator.push(geminiEvent([{ text: 'y'.repeat(20) }]));
    expect(translator.done).toBe(false);
    expect(translator.usage()).toEqual({ inputTokens: 9, outputTokens: 5, reported: false });
  });

  it('turns an error event into an UpstreamStreamError with its HTTP status', () => {
    const translator = adapter.createStreamTranslator(chatRequest(), translateContext);
    translator.push(geminiEvent([{ text: 'The' }]));
    const error = thrownBy(() =>
      translator.push(
        sseEvent({
          error: {
            code: 503,
            message: 'The model is overloaded. Please try again later.',
            status: 'UNAVAILABLE',
          },
        }),
      ),
    );
    expect(error).toBeInstanceOf(UpstreamStreamError);
    expect((error as UpstreamStreamError).status).toBe(503);
    expect((error as UpstreamStreamError).errorType).toBe('UNAVAILABLE');
  });

  it('rejects non-JSON events as malformed', () => {
    const translator = adapter.createStreamTranslator(chatRequest(), translateContext);
    expect(() => translator.push({ data: '{"candidates": [' })).toThrow(MalformedUpstreamError);
  });
});

/** Shaped like a Google API key (39 characters), assembled so no key-shaped literal is in the repo. */
const FAKE_GOOGLE_KEY = ['AIza', 'Sy', 'x'.repeat(33)].join('');

describe('GeminiAdapter.parseError', () => {
  it("reads Google's error shape and scrubs keys", () => {
    const body = JSON.stringify({
      error: {
        code: 400,
        message: `API key not valid: ${FAKE_GOOGLE_KEY}. Please pass a valid API key.`,
        status: 'INVALID_ARGUMENT',
        details: [
          { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' },
        ],
      },
    });
    expect(adapter.parseError(400, body)).toEqual({
      message: 'API key not valid: [redacted]. Please pass a valid API key.',
      type: 'INVALID_ARGUMENT',
    });
  });

  it('reads errors wrapped in an array', () => {
    const body = JSON.stringify([
      {
        error: { code: 429, message: 'Resource has been exhausted', status: 'RESOURCE_EXHAUSTED' },
      },
    ]);
    expect(adapter.parseError(429, body)).toEqual({
      message: 'Resource has been exhausted',
      type: 'RESOURCE_EXHAUSTED',
    });
  });
});
