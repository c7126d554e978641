import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type OpenAI from 'openai';
import { startGatewayHarness, type GatewayHarness } from './support/gateway-harness.js';
import { scenarioOf, simCatalog } from './support/sim-fixtures.js';
import type { ProviderKind } from '../src/modules/providers/provider-adapter.js';

const KINDS: ProviderKind[] = ['openai', 'anthropic', 'gemini'];

let harness: GatewayHarness;
beforeAll(async () => {
  // One single-deployment route per wire format, so each test knows which adapter serves it.
  harness = await startGatewayHarness({
    scenario: scenarioOf({
      openai: { outputTokens: 16 },
      anthropic: { outputTokens: 16 },
      gemini: { outputTokens: 16 },
    }),
    catalog: (sim) => {
      const parts = KINDS.map((kind) =>
        simCatalog(sim, {
          name: `via-${kind}`,
          members: [{ id: kind, kind, model: `${kind}-model` }],
        }),
      );
      return {
        providers: parts.flatMap((p) => p.providers),
        deployments: parts.flatMap((p) => p.deployments),
        routes: parts.flatMap((p) => p.routes),
      };
    },
  });
});
afterAll(async () => {
  await harness.close();
});

const weatherTool: OpenAI.ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' }, days: { type: 'integer' } },
      required: ['city'],
      additionalProperties: false,
    },
  },
};

describe.each(KINDS)('round trip through the %s adapter', (kind) => {
  const model = `via-${kind}`;

  it('carries text, the system prompt and usage', async () => {
    const { data, response } = await harness.client.chat.completions
      .create({
        model,
        messages: [
          { role: 'system', content: 'You are terse.' },
          { role: 'user', content: 'first question' },
          { role: 'assistant', content: 'first answer' },
          { role: 'user', content: '[[echo]] Echo this exact sentence.' },
        ],
        max_tokens: 64,
      })
      .withResponse();
    expect(response.headers.get('x-provider')).toBe(`p-${kind}`);
    expect(data.choices[0]?.message.content).toBe('[[echo]] Echo this exact sentence.');
    expect(data.choices[0]?.finish_reason).toBe('stop');
    expect(data.usage?.prompt_tokens).toBeGreaterThan(0);
    expect(data.usage?.completion_tokens).toBeGreaterThan(0);
    expect(data.usage?.total_tokens).toBe(
      (data.usage?.prompt_tokens ?? 0) + (data.usage?.completion_tokens ?? 0),
    );

    // The provider received the system prompt in its own format, and the whole conversation.
    const [received] = harness.sim.requests(`p-${kind}`).slice(-1);
    const body = JSON.stringify(received?.body);
    expect(body).toContain('You are terse.');
    expect(body).toContain('first answer');
    if (kind === 'anthropic') expect((received?.body as { system?: unknown }).system).toBeDefined();
    if (kind === 'gemini')
      expect((received?.body as { systemInstruction?: unknown }).systemInstruction).toBeDefined();
  });

  it('round-trips a tool call and its result', async () => {
    const ask: OpenAI.ChatCompletionMessageParam[] = [
      { role: 'user', content: 'Weather in Paris?' },
    ];
    const first = await harness.client.chat.completions.create({
      model,
      messages: ask,
      tools: [weatherTool],
    });
    const choice = first.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    const call = choice?.message.tool_calls?.[0];
    expect(call?.type).toBe('function');
    if (call?.type !== 'function') throw new Error('expected a function call');
    expect(call.function.name).toBe('get_weather');
    expect(JSON.parse(call.function.arguments)).toEqual(
      expect.objectContaining({ city: expect.any(String) }),
    );
    expect(call.id).toEqual(expect.any(String));

    const second = await harness.client.chat.completions.create({
      model,
      tools: [weatherTool],
      messages: [
        ...ask,
        { role: 'assistant', content: null, tool_calls: [call] },
        { role: 'tool', tool_call_id: call.id, content: '{"temperature_c":21}' },
      ],
    });
    expect(second.choices[0]?.finish_reason).toBe('stop');
    expect(second.choices[0]?.message.content).toContain('21');
  });

  it('streams text with usage, the same answer as without streaming', async () => {
    const messages: OpenAI.ChatCompletionMessageParam[] = [
      { role: 'user', content: '[[echo]] stream me back' },
    ];
    const whole = await harness.client.chat.completions.create({ model, messages });
    const stream = await harness.client.chat.completions.create({
      model,
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let role: string | undefined;
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      role ??= chunk.choices[0]?.delta.role;
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(role).toBe('assistant');
    expect(text).toBe(whole.choices[0]?.message.content);
    expect(usage?.completion_tokens).toBe(whole.usage?.completion_tokens);
    expect(usage?.prompt_tokens).toBe(whole.usage?.prompt_tokens);
  });

  it('streams a tool call', async () => {
    const stream = await harness.client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'Weather in Oslo?' }],
      tools: [weatherTool],
      stream: true,
    });
    let name = '';
    let args = '';
    let finish: string | null = null;
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta.tool_calls?.[0];
      name += delta?.function?.name ?? '';
      args += delta?.function?.arguments ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(name).toBe('get_weather');
    expect(JSON.parse(args)).toEqual(expect.objectContaining({ city: expect.any(String) }));
    expect(finish).toBe('tool_calls');
  });
});
