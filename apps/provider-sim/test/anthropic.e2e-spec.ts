import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ProviderSim } from '../src/index.js';
import {
  ANTHROPIC_HEADERS,
  anthropicChat,
  obj,
  parseSse,
  postJson,
  readBody,
  startSim,
} from './support/sim-client.js';

interface Message {
  id: string;
  type: string;
  role: string;
  model: string;
  content: (
    { type: 'text'; text: string } | { type: 'tool_use'; id: string; name: string; input: unknown }
  )[];
  stop_reason: string;
  stop_sequence: string | null;
  usage: { input_tokens: number; output_tokens: number };
}

const KEY = 'sk-ant-sim-secret';
const HEADERS = { ...ANTHROPIC_HEADERS, 'x-api-key': KEY };
const SEARCH_TOOL = {
  name: 'search',
  description: 'Search the docs',
  input_schema: {
    type: 'object',
    properties: { query: { type: 'string' }, limit: { type: 'number' } },
    required: ['query', 'limit'],
  },
};

describe('Anthropic Messages', () => {
  let sim: ProviderSim;
  let url: string;

  beforeAll(async () => {
    sim = await startSim({
      providers: {
        'sim-anthropic': { apiKey: KEY, behaviour: { outputTokens: 12, chunkTokens: 5 } },
      },
    });
    url = `${sim.baseUrlFor('sim-anthropic', 'anthropic')}/messages`;
  });

  afterAll(() => sim.close());

  it('answers with a message object', async () => {
    const res = await postJson(
      url,
      anthropicChat({
        system: 'You are terse.',
        messages: [{ role: 'user', content: [{ type: 'text', text: 'Say hi' }] }],
      }),
      HEADERS,
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as Message;
    expect(body.id).toMatch(/^msg_[A-Za-z0-9]{24}$/);
    expect(body).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'claude-haiku-4-5',
      stop_reason: 'end_turn',
      stop_sequence: null,
    });
    expect(body.content).toHaveLength(1);
    expect(body.content[0]).toMatchObject({ type: 'text' });
    expect(body.content[0]?.type === 'text' && body.content[0].text).toMatch(
      /^Hello from sim-anthropic: /,
    );
    // system (14 chars) + "Say hi" (6) = 20 chars -> 5 tokens.
    expect(body.usage).toMatchObject({ input_tokens: 5, output_tokens: 12 });
  });

  it('reports max_tokens when the reply is capped', async () => {
    const body = (await (
      await postJson(url, anthropicChat({ max_tokens: 3 }), HEADERS)
    ).json()) as Message;
    expect(body.stop_reason).toBe('max_tokens');
    expect(body.usage.output_tokens).toBe(3);
  });

  it('requires max_tokens and anthropic-version (400 invalid_request_error)', async () => {
    const { max_tokens: _dropped, ...withoutMax } = anthropicChat();
    const res = await postJson(url, withoutMax, HEADERS);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'max_tokens: Field required' },
    });
    const noVersion = await postJson(url, anthropicChat(), { 'x-api-key': KEY });
    expect(noVersion.status).toBe(400);
    expect(obj(obj(await noVersion.json())['error'])['message']).toContain('anthropic-version');
  });

  it('rejects a missing or wrong x-api-key with 401 authentication_error', async () => {
    for (const headers of [
      ANTHROPIC_HEADERS,
      { ...ANTHROPIC_HEADERS, 'x-api-key': 'sk-ant-wrong' },
    ]) {
      const res = await postJson(url, anthropicChat(), headers);
      expect(res.status).toBe(401);
      const text = await res.text();
      expect(JSON.parse(text)).toEqual({
        type: 'error',
        error: { type: 'authentication_error', message: 'invalid x-api-key' },
      });
      expect(text).not.toContain('sk-ant-wrong');
    }
  });

  it('streams the documented event sequence', async () => {
    const res = await postJson(url, anthropicChat({ stream: true }), HEADERS);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const { text, error } = await readBody(res);
    expect(error).toBeUndefined();
    const events = parseSse(text);
    // 12 tokens in chunks of 5 -> 3 deltas.
    expect(events.map((e) => e.event)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const data = events.map((e) => obj(JSON.parse(e.data)));
    // Every payload's type matches its event name.
    expect(data.map((d) => d['type'])).toEqual(events.map((e) => e.event));
    const start = obj(data[0]!['message']);
    expect(start).toMatchObject({
      role: 'assistant',
      content: [],
      stop_reason: null,
      model: 'claude-haiku-4-5',
    });
    expect(obj(start['usage'])).toMatchObject({ input_tokens: 2, output_tokens: 1 });
    expect(data[1]).toEqual({
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'text', text: '' },
    });
    const deltas = data.slice(3, 6).map((d) => obj(d['delta']));
    expect(deltas.every((d) => d['type'] === 'text_delta')).toBe(true);
    expect(deltas.map((d) => d['text']).join('')).toMatch(/^Hello from sim-anthropic: /);
    expect(data[7]).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: 12 },
    });
  });

  it('calls a tool with synthesised input, also streamed as input_json_delta', async () => {
    const plain = (await (
      await postJson(url, anthropicChat({ tools: [SEARCH_TOOL] }), HEADERS)
    ).json()) as Message;
    expect(plain.stop_reason).toBe('tool_use');
    expect(plain.content[0]).toMatchObject({
      type: 'tool_use',
      name: 'search',
      input: { query: 'example', limit: 1 },
    });
    expect(plain.content[0]?.type === 'tool_use' && plain.content[0].id).toMatch(/^toolu_/);

    const res = await postJson(url, anthropicChat({ tools: [SEARCH_TOOL], stream: true }), HEADERS);
    const data = parseSse((await readBody(res)).text).map((e) => obj(JSON.parse(e.data)));
    expect(obj(data[1]!['content_block'])).toMatchObject({
      type: 'tool_use',
      name: 'search',
      input: {},
    });
    const partial = data
      .filter((d) => d['type'] === 'content_block_delta')
      .map((d) => obj(d['delta']))
      .map((d) => {
        expect(d['type']).toBe('input_json_delta');
        return String(d['partial_json']);
      })
      .join('');
    expect(JSON.parse(partial)).toEqual({ query: 'example', limit: 1 });
    expect(obj(data.at(-2)!['delta'])['stop_reason']).toBe('tool_use');
  });

  it('honours tool_choice: a named tool, or none', async () => {
    const other = { name: 'other', input_schema: { type: 'object', properties: {}, required: [] } };
    const named = (await (
      await postJson(
        url,
        anthropicChat({
          tools: [SEARCH_TOOL, other],
          tool_choice: { type: 'tool', name: 'other' },
        }),
        HEADERS,
      )
    ).json()) as Message;
    expect(named.content[0]).toMatchObject({ type: 'tool_use', name: 'other', input: {} });
    const none = (await (
      await postJson(
        url,
        anthropicChat({ tools: [SEARCH_TOOL], tool_choice: { type: 'none' } }),
        HEADERS,
      )
    ).json()) as Message;
    expect(none.stop_reason).toBe('end_turn');
  });

  it('answers a tool_result with text that mentions it', async () => {
    const body = (await (
      await postJson(
        url,
        anthropicChat({
          tools: [SEARCH_TOOL],
          messages: [
            { role: 'user', content: 'find the docs' },
            {
              role: 'assistant',
              content: [
                {
                  type: 'tool_use',
                  id: 'toolu_1',
                  name: 'search',
                  input: { query: 'x', limit: 1 },
                },
              ],
            },
            {
              role: 'user',
              content: [
                {
                  type: 'tool_result',
                  tool_use_id: 'toolu_1',
                  content: [{ type: 'text', text: 'found 3 pages' }],
                },
              ],
            },
          ],
        }),
        HEADERS,
      )
    ).json()) as Message;
    expect(body.stop_reason).toBe('end_turn');
    expect(body.content[0]?.type === 'text' && body.content[0].text).toContain('found 3 pages');
  });

  it('echoes the last user message in echo mode', async () => {
    const body = (await (
      await postJson(
        url,
        anthropicChat({ messages: [{ role: 'user', content: '[[echo]] ping' }] }),
        HEADERS,
      )
    ).json()) as Message;
    expect(body.content[0]).toEqual({ type: 'text', text: '[[echo]] ping' });
  });

  it('lists models in Anthropic shape when called with Anthropic headers', async () => {
    const res = await fetch(`${sim.baseUrlFor('sim-anthropic', 'anthropic')}/models`, {
      headers: HEADERS,
    });
    expect(res.status).toBe(200);
    expect(obj(await res.json())).toMatchObject({ data: [], has_more: false });
  });
});
