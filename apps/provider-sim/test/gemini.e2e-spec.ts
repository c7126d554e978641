import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ProviderSim } from '../src/index.js';
import { geminiChat, obj, parseSse, postJson, readBody, startSim } from './support/sim-client.js';

interface Part {
  text?: string;
  functionCall?: { name: string; args: unknown };
}
interface GenerateContentResponse {
  candidates: { content: { role: string; parts: Part[] }; finishReason?: string; index: number }[];
  usageMetadata: {
    promptTokenCount: number;
    candidatesTokenCount: number;
    totalTokenCount: number;
  };
  modelVersion: string;
}

const KEY = 'AIza-sim-secret';
const HEADERS = { 'x-goog-api-key': KEY };
const FN = {
  name: 'set_alarm',
  parameters: {
    type: 'OBJECT',
    properties: {
      time: { type: 'STRING' },
      repeat: { type: 'BOOLEAN' },
      label: { type: 'STRING' },
    },
    required: ['time', 'repeat'],
  },
};

describe('Gemini generateContent', () => {
  let sim: ProviderSim;
  let base: string;

  beforeAll(async () => {
    sim = await startSim({
      providers: {
        'sim-gemini': {
          apiKey: KEY,
          models: ['gemini-2.5-flash'],
          behaviour: { outputTokens: 10, chunkTokens: 4 },
        },
      },
    });
    base = `${sim.baseUrlFor('sim-gemini', 'gemini')}/models/gemini-2.5-flash`;
  });

  afterAll(() => sim.close());

  it('answers generateContent with candidates and usageMetadata', async () => {
    const res = await postJson(
      `${base}:generateContent`,
      geminiChat({ systemInstruction: { parts: [{ text: 'Be brief' }] } }),
      HEADERS,
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as GenerateContentResponse;
    expect(body.candidates).toHaveLength(1);
    const candidate = body.candidates[0]!;
    expect(candidate).toMatchObject({ finishReason: 'STOP', index: 0, content: { role: 'model' } });
    expect(candidate.content.parts[0]?.text).toMatch(/^Hello from sim-gemini: /);
    // "Be brief" (8) + "Say hi" (6) = 14 chars -> 4 tokens.
    expect(body.usageMetadata).toEqual({
      promptTokenCount: 4,
      candidatesTokenCount: 10,
      totalTokenCount: 14,
    });
    expect(body.modelVersion).toBe('gemini-2.5-flash');
  });

  it('takes the key from ?key= as well as the header', async () => {
    const res = await postJson(`${base}:generateContent?key=${KEY}`, geminiChat());
    expect(res.status).toBe(200);
  });

  it('answers a missing or wrong key with 403 PERMISSION_DENIED, never echoing it', async () => {
    for (const suffix of ['', '?key=AIza-wrong']) {
      const res = await postJson(`${base}:generateContent${suffix}`, geminiChat());
      expect(res.status).toBe(403);
      const text = await res.text();
      expect(obj(JSON.parse(text))['error']).toMatchObject({
        code: 403,
        status: 'PERMISSION_DENIED',
      });
      expect(text).not.toContain('AIza-wrong');
    }
    const redacted = sim.requests('sim-gemini').at(-1);
    expect(redacted?.url).toContain('key=[redacted]');
    expect(JSON.stringify(sim.requests())).not.toContain('AIza');
  });

  it('reports MAX_TOKENS when maxOutputTokens caps the reply', async () => {
    const body = (await (
      await postJson(
        `${base}:generateContent`,
        geminiChat({ generationConfig: { maxOutputTokens: 3 } }),
        HEADERS,
      )
    ).json()) as GenerateContentResponse;
    expect(body.candidates[0]?.finishReason).toBe('MAX_TOKENS');
    expect(body.usageMetadata.candidatesTokenCount).toBe(3);
  });

  it('streams SSE data lines (CRLF framed), usage on each chunk, finishReason on the last', async () => {
    const res = await postJson(`${base}:streamGenerateContent?alt=sse`, geminiChat(), HEADERS);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const { text, error } = await readBody(res);
    expect(error).toBeUndefined();
    expect(text).toContain('\r\n\r\n');
    const chunks = parseSse(text).map((e) => JSON.parse(e.data) as GenerateContentResponse);
    // 10 tokens in chunks of 4 -> 3 chunks.
    expect(chunks).toHaveLength(3);
    expect(chunks.map((c) => c.candidates[0]?.finishReason)).toEqual([
      undefined,
      undefined,
      'STOP',
    ]);
    expect(chunks.map((c) => c.usageMetadata.candidatesTokenCount)).toEqual([4, 8, 10]);
    expect(chunks.every((c) => c.usageMetadata.promptTokenCount === 2)).toBe(true);
    expect(chunks.map((c) => c.candidates[0]?.content.parts[0]?.text).join('')).toMatch(
      /^Hello from sim-gemini: /,
    );
  });

  it('streams a JSON array without alt=sse', async () => {
    const res = await postJson(`${base}:streamGenerateContent`, geminiChat(), HEADERS);
    expect(res.headers.get('content-type')).toContain('application/json');
    const chunks = (await res.json()) as GenerateContentResponse[];
    expect(chunks).toHaveLength(3);
    expect(chunks.at(-1)?.candidates[0]?.finishReason).toBe('STOP');
  });

  it('calls the first declared function, or one allowed by functionCallingConfig', async () => {
    const other = { name: 'noop', parameters: { type: 'OBJECT', properties: {} } };
    const body = (await (
      await postJson(
        `${base}:generateContent`,
        geminiChat({ tools: [{ functionDeclarations: [FN, other] }] }),
        HEADERS,
      )
    ).json()) as GenerateContentResponse;
    expect(body.candidates[0]?.finishReason).toBe('STOP');
    expect(body.candidates[0]?.content.parts[0]?.functionCall).toEqual({
      name: 'set_alarm',
      args: { time: 'example', repeat: true },
    });
    const allowed = (await (
      await postJson(
        `${base}:generateContent`,
        geminiChat({
          tools: [{ functionDeclarations: [FN, other] }],
          toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['noop'] } },
        }),
        HEADERS,
      )
    ).json()) as GenerateContentResponse;
    expect(allowed.candidates[0]?.content.parts[0]?.functionCall?.name).toBe('noop');
    const none = (await (
      await postJson(
        `${base}:generateContent`,
        geminiChat({
          tools: [{ functionDeclarations: [FN] }],
          toolConfig: { functionCallingConfig: { mode: 'NONE' } },
        }),
        HEADERS,
      )
    ).json()) as GenerateContentResponse;
    expect(none.candidates[0]?.content.parts[0]?.text).toBeDefined();
  });

  it('streams a function call as one chunk', async () => {
    const res = await postJson(
      `${base}:streamGenerateContent?alt=sse`,
      geminiChat({ tools: [{ functionDeclarations: [FN] }] }),
      HEADERS,
    );
    const chunks = parseSse((await readBody(res)).text).map(
      (e) => JSON.parse(e.data) as GenerateContentResponse,
    );
    expect(chunks).toHaveLength(1);
    expect(chunks[0]?.candidates[0]?.content.parts[0]?.functionCall?.name).toBe('set_alarm');
  });

  it('answers a functionResponse with text that mentions it', async () => {
    const body = (await (
      await postJson(
        `${base}:generateContent`,
        {
          tools: [{ functionDeclarations: [FN] }],
          contents: [
            { role: 'user', parts: [{ text: 'wake me at 7' }] },
            {
              role: 'model',
              parts: [
                { functionCall: { name: 'set_alarm', args: { time: '07:00', repeat: false } } },
              ],
            },
            {
              role: 'user',
              parts: [
                { functionResponse: { name: 'set_alarm', response: { status: 'alarm-set' } } },
              ],
            },
          ],
        },
        HEADERS,
      )
    ).json()) as GenerateContentResponse;
    expect(body.candidates[0]?.content.parts[0]?.text).toContain('alarm-set');
  });

  it('answers 400 INVALID_ARGUMENT for a bad body and 404 NOT_FOUND for an unknown model', async () => {
    const bad = await postJson(`${base}:generateContent`, { contents: [] }, HEADERS);
    expect(bad.status).toBe(400);
    expect(obj(await bad.json())['error']).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
    const missing = await postJson(
      `${sim.baseUrlFor('sim-gemini', 'gemini')}/models/gemini-0:generateContent`,
      geminiChat(),
      HEADERS,
    );
    expect(missing.status).toBe(404);
    expect(obj(await missing.json())['error']).toMatchObject({ code: 404, status: 'NOT_FOUND' });
  });

  it('lists models at GET /v1beta/models', async () => {
    const res = await fetch(`${sim.baseUrlFor('sim-gemini', 'gemini')}/models`, {
      headers: HEADERS,
    });
    const body = obj(await res.json());
    expect((body['models'] as { name: string }[]).map((m) => m.name)).toEqual([
      'models/gemini-2.5-flash',
    ]);
  });
});
