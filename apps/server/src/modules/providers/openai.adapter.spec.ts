import { describe, expect, it } from '@jest/globals';
import type { ChatCompletionChunk } from '../../common/openai/chat-completion.types.js';
import { OpenAiAdapter } from './openai.adapter.js';
import { MalformedUpstreamError, UpstreamStreamError } from './provider-adapter.js';
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

const adapter = new OpenAiAdapter();

/** A chunk as api.openai.com streams it (with include_usage, every chunk has usage: null). */
function openAiChunk(
  delta: Record<string, unknown>,
  finishReason: string | null = null,
  extra: Record<string, unknown> = { usage: null },
): Record<string, unknown> {
  return {
    id: 'chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG',
    object: 'chat.completion.chunk',
    created: 1741570283,
    model: 'gpt-4o-mini-2024-07-18',
    service_tier: 'default',
    system_fingerprint: 'fp_06737a9306',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...extra,
  };
}

const usageChunk = {
  id: 'chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG',
  object: 'chat.completion.chunk',
  created: 1741570283,
  model: 'gpt-4o-mini-2024-07-18',
  service_tier: 'default',
  system_fingerprint: 'fp_06737a9306',
  choices: [],
  usage: {
    prompt_tokens: 19,
    completion_tokens: 3,
    total_tokens: 22,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
  },
};

const textStream = [
  sseEvent(openAiChunk({ role: 'assistant', content: '', refusal: null })),
  sseEvent(openAiChunk({ content: 'Hello' })),
  sseEvent(openAiChunk({ content: ' there' })),
  sseEvent(openAiChunk({}, 'stop')),
  sseEvent(usageChunk),
  sseEvent('[DONE]'),
];

describe('OpenAiAdapter.buildRequest', () => {
  it('posts to chat/completions whether or not the base URL ends with a slash', () => {
    for (const baseUrl of ['https://api.openai.com/v1', 'https://api.openai.com/v1/']) {
      const built = adapter.buildRequest(chatRequest(), upstreamTarget({ baseUrl }), false);
      expect(built.url.href).toBe('https://api.openai.com/v1/chat/completions');
    }
  });

  it("keeps the base URL's query string (Azure's api-version)", () => {
    const target = upstreamTarget({
      baseUrl: 'https://res.openai.azure.com/openai/deployments/gpt4o?api-version=2024-10-21',
    });
    const built = adapter.buildRequest(chatRequest(), target, false);
    expect(built.url.href).toBe(
      'https://res.openai.azure.com/openai/deployments/gpt4o/chat/completions?api-version=2024-10-21',
    );
  });

  it('sends a bearer token only when a key is configured', () => {
    const withKey = adapter.buildRequest(
      chatRequest(),
      upstreamTarget({ apiKey: 'sk-live' }),
      false,
    );
    expect(withKey.headers.authorization).toBe('Bearer sk-live');
    expect(withKey.headers['content-type']).toBe('application/json');

    const keyless = adapter.buildRequest(
      chatRequest(),
      upstreamTarget({ apiKey: undefined }),
      false,
    );
    expect(keyless.headers).not.toHaveProperty('authorization');
  });

  it('adds configured headers, which override defaults whatever their case', () => {
    const target = upstreamTarget({
      apiKey: 'sk-live',
      headers: { 'HTTP-Referer': 'https://stilts.example', Authorization: 'Basic abc' },
    });
    const built = adapter.buildRequest(chatRequest(), target, false);
    expect(built.headers['http-referer']).toBe('https://stilts.example');
    expect(built.headers.authorization).toBe('Basic abc');
    expect(built.headers).not.toHaveProperty('Authorization');
  });

  it("passes the caller's body through with the deployment's model, unknown fields kept", () => {
    const request = chatRequest({
      model: 'route-a',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
      temperature: 0.2,
      reasoning_effort: 'low',
      service_tier: 'flex',
      tools: [
        { type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } },
      ],
    });
    const body = bodyOf(
      adapter.buildRequest(request, upstreamTarget({ model: 'gpt-4o-mini' }), false),
    );
    expect(body).toEqual({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
      temperature: 0.2,
      reasoning_effort: 'low',
      service_tier: 'flex',
      tools: [
        { type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } },
      ],
    });
    expect(request.model).toBe('route-a');
  });

  it('forces stream and include_usage upstream when streaming, whatever the caller asked', () => {
    const request = chatRequest({ stream: true, stream_options: { include_usage: false } });
    const built = adapter.buildRequest(request, upstreamTarget(), true);
    const body = bodyOf(built);
    expect(body.stream).toBe(true);
    expect(body.stream_options).toEqual({ include_usage: true });
    expect(built.headers.accept).toBe('text/event-stream');
    expect(request.stream_options).toEqual({ include_usage: false });
  });

  it('drops stream and stream_options for a non-streamed call', () => {
    const request = chatRequest({ stream: true, stream_options: { include_usage: true } });
    const body = bodyOf(adapter.buildRequest(request, upstreamTarget(), false));
    expect(body).not.toHaveProperty('stream');
    expect(body).not.toHaveProperty('stream_options');
  });

  it.each([
    [{ max_tokens: 100 }, { max_tokens: 100 }],
    [{ max_completion_tokens: 200 }, { max_completion_tokens: 200 }],
    [{ max_tokens: 300, max_completion_tokens: 200 }, { max_completion_tokens: 200 }],
    [{ max_tokens: 100, max_completion_tokens: 200 }, { max_completion_tokens: 100 }],
    [{ max_tokens: null, max_completion_tokens: 50 }, { max_completion_tokens: 50 }],
  ])('sends the token limit the caller sent: %j -> %j', (fields, expected) => {
    const body = bodyOf(adapter.buildRequest(chatRequest(fields), upstreamTarget(), false));
    const limits = {
      max_tokens: body.max_tokens,
      max_completion_tokens: body.max_completion_tokens,
    };
    expect(JSON.parse(JSON.stringify(limits))).toEqual(expected);
  });
});

describe('OpenAiAdapter.parseResponse', () => {
  function openAiCompletion(): Record<string, unknown> {
    return {
      id: 'chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT',
      object: 'chat.completion',
      created: 1741569952,
      model: 'gpt-4.1-2025-04-14',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'Hello! How can I assist you today?',
            refusal: null,
            annotations: [],
          },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: {
        prompt_tokens: 1019,
        completion_tokens: 10,
        total_tokens: 1029,
        prompt_tokens_details: { cached_tokens: 1000, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
      },
      service_tier: 'default',
      system_fingerprint: 'fp_fc9f1d7035',
    };
  }

  it("re-identifies the completion, keeps the upstream's model and fields, reads usage", () => {
    const { completion, usage } = adapter.parseResponse(
      openAiCompletion(),
      translateContext,
      chatRequest(),
    );
    expect(completion.id).toBe(translateContext.id);
    expect(completion.created).toBe(translateContext.created);
    expect(completion.model).toBe('gpt-4.1-2025-04-14');
    expect(completion.system_fingerprint).toBe('fp_fc9f1d7035');
    expect(completion.choices[0]?.message.content).toBe('Hello! How can I assist you today?');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage.total_tokens).toBe(1029);
    expect(usage).toEqual({ inputTokens: 1019, outputTokens: 10, cachedInputTokens: 1000 });
  });

  it('keeps tool calls and their finish reason', () => {
    const body = openAiCompletion();
    body.choices = [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_FthC9qRpsL5kBpwwyw6c7j4k',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"location":"Paris, France"}' },
            },
          ],
          refusal: null,
        },
        logprobs: null,
        finish_reason: 'tool_calls',
      },
    ];
    const { completion } = adapter.parseResponse(body, translateContext, chatRequest());
    const choice = completion.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(choice?.message.content).toBeNull();
    expect(choice?.message.tool_calls?.[0]?.function).toEqual({
      name: 'get_weather',
      arguments: '{"location":"Paris, France"}',
    });
  });

  it('normalises finish reasons that compatible servers invent', () => {
    const body = openAiCompletion();
    (body.choices as { finish_reason: unknown }[])[0]!.finish_reason = 'eos';
    expect(
      adapter.parseResponse(body, translateContext, chatRequest()).completion.choices[0]
        ?.finish_reason,
    ).toBe('stop');
  });

  it('estimates usage from the request and the content when the server reports none', () => {
    const body = openAiCompletion();
    delete body.usage;
    const request = chatRequest({ messages: [{ role: 'user', content: 'x'.repeat(40) }] });
    const { completion, usage } = adapter.parseResponse(body, translateContext, request);
    // 40 chars -> 10 tokens + 4 per message; 34 chars of content -> 9.
    expect(usage).toEqual({ inputTokens: 14, outputTokens: 9 });
    expect(completion.usage).toEqual({ prompt_tokens: 14, completion_tokens: 9, total_tokens: 23 });
  });

  it('falls back to the context model when the server names none', () => {
    const body = openAiCompletion();
    delete body.model;
    expect(adapter.parseResponse(body, translateContext, chatRequest()).completion.model).toBe(
      'chat-default',
    );
  });

  it.each([
    ['a string', 'OK'],
    ['no choices', { id: 'x', object: 'chat.completion' }],
    ['empty choices', { choices: [] }],
    ['a choice without message', { choices: [{ index: 0, finish_reason: 'stop' }] }],
    [
      'tool_calls that are not a list',
      { choices: [{ message: { content: 'a', tool_calls: {} } }] },
    ],
    ['an error in a 200 body', { error: { message: 'upstream overloaded', type: 'server_error' } }],
  ])('rejects %s as malformed', (_label, body) => {
    expect(() => adapter.parseResponse(body, translateContext, chatRequest())).toThrow(
      MalformedUpstreamError,
    );
  });
});

describe('OpenAiAdapter stream translation', () => {
  it('re-identifies chunks and forwards the usage chunk when the caller asked for it', () => {
    const request = chatRequest({ stream: true, stream_options: { include_usage: true } });
    const translator = adapter.createStreamTranslator(request, translateContext);
    const chunks = translateAll(translator, textStream);

    expect(chunks).toHaveLength(5);
    for (const chunk of chunks) {
      expect(chunk.id).toBe(translateContext.id);
      expect(chunk.created).toBe(translateContext.created);
      expect(chunk.model).toBe('gpt-4o-mini-2024-07-18');
    }
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    expect(streamedText(chunks)).toBe('Hello there');
    expect(chunks[1]?.usage).toBeNull();
    const last = chunks[4] as ChatCompletionChunk;
    expect(last.choices).toEqual([]);
    expect(last.usage?.total_tokens).toBe(22);
    expect(translator.done).toBe(true);
    expect(translator.finishReason).toBe('stop');
    expect(translator.usage()).toEqual({
      inputTokens: 19,
      outputTokens: 3,
      cachedInputTokens: 0,
      reported: true,
    });
  });

  it('hides usage from a caller who did not ask, and still bills it', () => {
    const translator = adapter.createStreamTranslator(
      chatRequest({ stream: true }),
      translateContext,
    );
    const chunks = translateAll(translator, textStream);

    expect(chunks).toHaveLength(4);
    for (const chunk of chunks)
      expect(JSON.parse(JSON.stringify(chunk))).not.toHaveProperty('usage');
    expect(translator.usage()).toMatchObject({ inputTokens: 19, outputTokens: 3, reported: true });
  });

  it('passes a tool-call stream through', () => {
    const translator = adapter.createStreamTranslator(
      chatRequest({ stream: true }),
      translateContext,
    );
    const chunks = translateAll(translator, [
      sseEvent(
        openAiChunk({
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              index: 0,
              id: 'call_DdmO9pD3xa9XTPNJ32zg2hcA',
              type: 'function',
              function: { name: 'get_weather', arguments: '' },
            },
          ],
          refusal: null,
        }),
      ),
      sseEvent(openAiChunk({ tool_calls: [{ index: 0, function: { arguments: '{"' } }] })),
      sseEvent(openAiChunk({ tool_calls: [{ index: 0, function: { arguments: 'location' } }] })),
      sseEvent(openAiChunk({ tool_calls: [{ index: 0, function: { arguments: '":"Paris"}' } }] })),
      sseEvent(openAiChunk({}, 'tool_calls')),
      sseEvent(usageChunk),
      sseEvent('[DONE]'),
    ]);
    expect(streamedToolCalls(chunks)).toEqual([
      {
        id: 'call_DdmO9pD3xa9XTPNJ32zg2hcA',
        name: 'get_weather',
        arguments: '{"location":"Paris"}',
      },
    ]);
    expect(translator.finishReason).toBe('tool_calls');
  });

  it('gives a caller who asked an estimated usage chunk when the server sends none', () => {
    const request = chatRequest({
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'x'.repeat(40) }],
    });
    const translator = adapter.createStreamTranslator(request, translateContext);
    // An older compatible server: no usage field at all, no role on the first chunk.
    const chunks = translateAll(translator, [
      sseEvent({
        id: 'c1',
        object: 'chat.completion.chunk',
        created: 1,
        model: 'llama3',
        choices: [{ index: 0, delta: { content: 'Hi there' }, finish_reason: null }],
      }),
      sseEvent({
        id: 'c1',
        object: 'chat.completion.chunk',
        created: 1,
        model: 'llama3',
        choices: [{ index: 0, delta: {}, finish_reason: 'stop' }],
      }),
      sseEvent('[DONE]'),
    ]);
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: 'Hi there' });
    const last = chunks[chunks.length - 1];
    expect(last?.choices).toEqual([]);
    expect(last?.usage).toEqual({ prompt_tokens: 14, completion_tokens: 2, total_tokens: 16 });
    expect(translator.usage().reported).toBe(false);
  });

  it('bills a stream cut before usage by the request and what was delivered', () => {
    const request = chatRequest({ messages: [{ role: 'user', content: 'x'.repeat(40) }] });
    const translator = adapter.createStreamTranslator(request, translateContext);
    translateAll(translator, textStream.slice(0, 3));
    expect(translator.done).toBe(false);
    expect(translator.usage()).toEqual({ inputTokens: 14, outputTokens: 3, reported: false });
  });

  it('drops chunks without choices that carry nothing for the caller', () => {
    const translator = adapter.createStreamTranslator(chatRequest(), translateContext);
    // Azure OpenAI's first event: prompt filter results, no choices.
    const out = translator.push(
      sseEvent({
        choices: [],
        created: 0,
        id: '',
        model: '',
        object: '',
        prompt_filter_results: [],
      }),
    );
    expect(out).toEqual([]);
  });

  it('ignores events after [DONE]', () => {
    const translator = adapter.createStreamTranslator(chatRequest(), translateContext);
    translateAll(translator, textStream);
    expect(translator.push(sseEvent(openAiChunk({ content: 'late' })))).toEqual([]);
  });

  it.each([
    [
      { error: { message: 'Rate limit reached', type: 'rate_limit_exceeded', code: null } },
      429,
      'rate_limit_exceeded',
    ],
    [
      { error: { message: 'The server had an error', type: 'server_error', code: null } },
      500,
      'server_error',
    ],
    [{ error: { message: 'Bad gateway', code: 502 } }, 502, 'stream_error'],
    [{ error: 'model runner has unexpectedly stopped' }, 500, 'stream_error'],
  ])('turns an error event %j into an UpstreamStreamError (%i)', (data, status, type) => {
    const translator = adapter.createStreamTranslator(chatRequest(), translateContext);
    translator.push(sseEvent(openAiChunk({ role: 'assistant', content: '' })));
    let thrown: unknown;
    try {
      translator.push(sseEvent(data));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UpstreamStreamError);
    expect((thrown as UpstreamStreamError).status).toBe(status);
    expect((thrown as UpstreamStreamError).errorType).toBe(type);
  });

  it.each([['not json'], ['{"choices": 3}'], ['[1,2]']])('rejects %s as malformed', (data) => {
    const translator = adapter.createStreamTranslator(chatRequest(), translateContext);
    expect(() => translator.push({ data })).toThrow(MalformedUpstreamError);
  });
});

describe('OpenAiAdapter.parseError', () => {
  it("reads OpenAI's error shape and scrubs the echoed key", () => {
    const body = JSON.stringify({
      error: {
        message:
          'Incorrect API key provided: sk-proj-Ab12********************************************wxYZ. You can find your API key at https://platform.openai.com/account/api-keys.',
        type: 'invalid_request_error',
        param: null,
        code: 'invalid_api_key',
      },
    });
    const info = adapter.parseError(401, body);
    expect(info.type).toBe('invalid_request_error');
    expect(info.message).toContain('Incorrect API key provided: [redacted]');
    expect(info.message).not.toContain('sk-');
    expect(info.message).not.toContain('wxYZ');
    expect(info.message).toContain('https://platform.openai.com/account/api-keys');
  });

  it("reads Ollama's plain error string", () => {
    expect(
      adapter.parseError(404, '{"error":"model \\"llama9\\" not found, try pulling it first"}'),
    ).toEqual({
      message: 'model "llama9" not found, try pulling it first',
      type: null,
    });
  });

  it('turns an HTML error page into short plain text', () => {
    const html = `<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center>${'<p>padding</p>'.repeat(200)}</body></html>`;
    const info = adapter.parseError(502, html);
    expect(info.type).toBeNull();
    expect(info.message.startsWith('502 Bad Gateway 502 Bad Gateway')).toBe(true);
    expect(info.message).not.toContain('<');
    expect(info.message.length).toBeLessThanOrEqual(500);
  });

  it('names the status when the body is empty', () => {
    expect(adapter.parseError(503, '')).toEqual({ message: 'HTTP 503', type: null });
  });
});
