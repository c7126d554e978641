import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ProviderSim } from '../src/index.js';
import {
  obj,
  openAiChat,
  parseSse,
  postJson,
  readBody,
  sseJson,
  startSim,
} from './support/sim-client.js';

interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}
interface ToolCall {
  id: string;
  type: string;
  function: { name: string; arguments: string };
}
interface ChatCompletion {
  id: string;
  object: string;
  created: number;
  model: string;
  system_fingerprint: string;
  choices: {
    index: number;
    message: { role: string; content: string | null; refusal: null; tool_calls?: ToolCall[] };
    finish_reason: string;
    logprobs: null;
  }[];
  usage: Usage;
}
interface Chunk {
  id: string;
  object: string;
  model: string;
  choices: {
    index: number;
    delta: {
      role?: string;
      content?: string | null;
      tool_calls?: (Partial<ToolCall> & { index: number })[];
    };
    finish_reason: string | null;
  }[];
  usage?: Usage | null;
}

const KEY = 'sk-sim-openai-secret';
const AUTH = { authorization: `Bearer ${KEY}` };
const WEATHER_TOOL = {
  type: 'function',
  function: {
    name: 'get_weather',
    parameters: {
      type: 'object',
      properties: {
        city: { type: 'string' },
        days: { type: 'integer' },
        detailed: { type: 'boolean' },
      },
      required: ['city', 'days'],
    },
  },
};

describe('OpenAI Chat Completions', () => {
  let sim: ProviderSim;
  let url: string;

  beforeAll(async () => {
    sim = await startSim({
      providers: {
        'sim-openai': {
          apiKey: KEY,
          models: ['gpt-4o-mini', 'gpt-4o'],
          behaviour: { outputTokens: 20, chunkTokens: 3 },
        },
        'sim-local': { behaviour: { outputTokens: 6 } },
      },
    });
    url = `${sim.baseUrlFor('sim-openai', 'openai')}/chat/completions`;
  });

  afterAll(() => sim.close());

  it('answers with a full chat.completion object', async () => {
    const res = await postJson(url, openAiChat(), AUTH);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    const body = (await res.json()) as ChatCompletion;
    expect(body.id).toMatch(/^chatcmpl-[A-Za-z0-9]{24}$/);
    expect(body.object).toBe('chat.completion');
    expect(typeof body.created).toBe('number');
    expect(body.model).toBe('gpt-4o-mini');
    expect(body.system_fingerprint).toMatch(/^fp_/);
    expect(body.choices).toHaveLength(1);
    const choice = body.choices[0]!;
    expect(choice.index).toBe(0);
    expect(choice.message.role).toBe('assistant');
    expect(choice.message.refusal).toBeNull();
    expect(choice.message.content).toMatch(/^Hello from sim-openai: /);
    expect(choice.finish_reason).toBe('stop');
    expect(choice.logprobs).toBeNull();
    // "Say hi" is 6 characters: ceil(6 / 4) = 2 prompt tokens.
    expect(body.usage).toMatchObject({ prompt_tokens: 2, completion_tokens: 20, total_tokens: 22 });
  });

  it('caps the reply at max_completion_tokens (preferred) or max_tokens, reporting length', async () => {
    const a = (await (
      await postJson(url, openAiChat({ max_tokens: 4 }), AUTH)
    ).json()) as ChatCompletion;
    expect(a.choices[0]?.finish_reason).toBe('length');
    expect(a.usage.completion_tokens).toBe(4);
    const b = (await (
      await postJson(url, openAiChat({ max_tokens: 4, max_completion_tokens: 7 }), AUTH)
    ).json()) as ChatCompletion;
    expect(b.usage.completion_tokens).toBe(7);
  });

  it('streams chunks: role first, content deltas, finish chunk, [DONE]', async () => {
    const res = await postJson(url, openAiChat({ stream: true }), AUTH);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const { text, error } = await readBody(res);
    expect(error).toBeUndefined();
    const events = parseSse(text);
    expect(events.at(-1)?.data).toBe('[DONE]');
    expect(events.every((e) => e.event === undefined)).toBe(true);
    const chunks = sseJson(events) as Chunk[];
    // 20 tokens in chunks of 3 -> 7 content chunks, plus the role and finish chunks.
    expect(chunks).toHaveLength(9);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks.every((c) => !('usage' in c))).toBe(true);
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '', refusal: null });
    const content = chunks
      .slice(1, -1)
      .map((c) => c.choices[0]?.delta.content ?? '')
      .join('');
    expect(content).toMatch(/^Hello from sim-openai: /);
    expect(chunks.slice(0, -1).every((c) => c.choices[0]?.finish_reason === null)).toBe(true);
    expect(chunks.at(-1)?.choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
  });

  it('adds a usage chunk with empty choices when include_usage is set, usage null elsewhere', async () => {
    const res = await postJson(
      url,
      openAiChat({ stream: true, stream_options: { include_usage: true }, max_tokens: 5 }),
      AUTH,
    );
    const chunks = sseJson(parseSse((await readBody(res)).text)) as Chunk[];
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toMatchObject({ prompt_tokens: 2, completion_tokens: 5, total_tokens: 7 });
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('length');
  });

  it('rejects a missing or wrong key with 401 and never echoes the key', async () => {
    const missing = await postJson(url, openAiChat());
    expect(missing.status).toBe(401);
    expect(obj(obj(await missing.json())['error'])).toMatchObject({
      type: 'invalid_request_error',
      param: null,
    });
    const wrong = await postJson(url, openAiChat(), { authorization: 'Bearer sk-wrong-key-123' });
    expect(wrong.status).toBe(401);
    const text = await wrong.text();
    expect(obj(obj(JSON.parse(text))['error'])['code']).toBe('invalid_api_key');
    expect(text).not.toContain('sk-wrong-key-123');
    expect(text).not.toContain(KEY);
  });

  it('accepts any key (or none) for a provider without one', async () => {
    const res = await postJson(
      `${sim.baseUrlFor('sim-local', 'openai')}/chat/completions`,
      openAiChat(),
    );
    expect(res.status).toBe(200);
    expect(((await res.json()) as ChatCompletion).usage.completion_tokens).toBe(6);
  });

  it('answers 400 in OpenAI shape for an invalid body, naming the param', async () => {
    const res = await postJson(url, { model: 'gpt-4o-mini', messages: [] }, AUTH);
    expect(res.status).toBe(400);
    expect(obj(await res.json())['error']).toMatchObject({
      type: 'invalid_request_error',
      param: 'messages',
      code: null,
    });
    const broken = await fetch(url, { method: 'POST', headers: AUTH, body: '{"model":' });
    expect(broken.status).toBe(400);
    expect(obj(obj(await broken.json())['error'])['message']).toContain('parse the JSON');
  });

  it('answers 404 model_not_found for a model the provider does not serve', async () => {
    const res = await postJson(url, openAiChat({ model: 'gpt-9' }), AUTH);
    expect(res.status).toBe(404);
    expect(obj(await res.json())['error']).toMatchObject({
      code: 'model_not_found',
      param: 'model',
    });
  });

  it('answers 404 for an unknown provider or path', async () => {
    const unknown = await postJson(`${sim.url}/nope/v1/chat/completions`, openAiChat());
    expect(unknown.status).toBe(404);
    expect(obj(obj(await unknown.json())['error'])['message']).toContain("'nope'");
    const path = await postJson(`${sim.baseUrlFor('sim-openai', 'openai')}/completions`, {}, AUTH);
    expect(path.status).toBe(404);
  });

  it('lists the models at GET /v1/models', async () => {
    const res = await fetch(`${sim.baseUrlFor('sim-openai', 'openai')}/models`, { headers: AUTH });
    expect(res.status).toBe(200);
    const body = obj(await res.json());
    expect(body['object']).toBe('list');
    expect((body['data'] as { id: string; object: string }[]).map((m) => [m.id, m.object])).toEqual(
      [
        ['gpt-4o-mini', 'model'],
        ['gpt-4o', 'model'],
      ],
    );
  });

  it('calls the first offered tool when the user spoke last', async () => {
    const res = await postJson(url, openAiChat({ tools: [WEATHER_TOOL] }), AUTH);
    const body = (await res.json()) as ChatCompletion;
    const choice = body.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    const call = choice.message.tool_calls?.[0];
    expect(call?.id).toMatch(/^call_/);
    expect(call?.type).toBe('function');
    expect(call?.function.name).toBe('get_weather');
    expect(JSON.parse(call?.function.arguments ?? '')).toEqual({ city: 'example', days: 1 });
  });

  it('calls the tool forced by tool_choice, and none with tool_choice none', async () => {
    const other = {
      type: 'function',
      function: { name: 'lookup', parameters: { type: 'object' } },
    };
    const forced = (await (
      await postJson(
        url,
        openAiChat({
          tools: [WEATHER_TOOL, other],
          tool_choice: { type: 'function', function: { name: 'lookup' } },
        }),
        AUTH,
      )
    ).json()) as ChatCompletion;
    expect(forced.choices[0]?.message.tool_calls?.[0]?.function).toEqual({
      name: 'lookup',
      arguments: '{}',
    });
    const none = (await (
      await postJson(url, openAiChat({ tools: [WEATHER_TOOL], tool_choice: 'none' }), AUTH)
    ).json()) as ChatCompletion;
    expect(none.choices[0]?.finish_reason).toBe('stop');
    expect(none.choices[0]?.message.tool_calls).toBeUndefined();
  });

  it('streams a tool call as an id/name chunk then argument fragments', async () => {
    const res = await postJson(url, openAiChat({ tools: [WEATHER_TOOL], stream: true }), AUTH);
    const chunks = sseJson(parseSse((await readBody(res)).text)) as Chunk[];
    const first = chunks[0]?.choices[0]?.delta.tool_calls?.[0];
    expect(first).toMatchObject({
      index: 0,
      type: 'function',
      function: { name: 'get_weather', arguments: '' },
    });
    expect(first?.id).toMatch(/^call_/);
    const args = chunks
      .slice(1, -1)
      .map((c) => c.choices[0]?.delta.tool_calls?.[0]?.function?.arguments ?? '')
      .join('');
    expect(JSON.parse(args)).toEqual({ city: 'example', days: 1 });
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('answers a tool result with text that mentions it', async () => {
    const res = await postJson(
      url,
      openAiChat({
        tools: [WEATHER_TOOL],
        messages: [
          { role: 'user', content: 'Weather in Oslo?' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              {
                id: 'call_1',
                type: 'function',
                function: { name: 'get_weather', arguments: '{"city":"Oslo","days":1}' },
              },
            ],
          },
          { role: 'tool', tool_call_id: 'call_1', content: 'sunny, 21C' },
        ],
      }),
      AUTH,
    );
    const body = (await res.json()) as ChatCompletion;
    expect(body.choices[0]?.finish_reason).toBe('stop');
    expect(body.choices[0]?.message.content).toContain('sunny, 21C');
  });

  it('echoes the last user message in echo mode', async () => {
    const text = 'Round trip [[echo]] ünïcödé and "quotes"';
    const res = await postJson(
      url,
      openAiChat({
        messages: [
          { role: 'system', content: 'be nice' },
          { role: 'user', content: [{ type: 'text', text }] },
        ],
        stream: true,
      }),
      AUTH,
    );
    const chunks = sseJson(parseSse((await readBody(res)).text)) as Chunk[];
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe(text);
  });
});
